/// The 1C exchange (`ExchangeController`): one path, GET and POST, plain-text answers as 1C
/// reads them (always 200: a refusal is the body `failure\n<reason>`).
enum ExchangeEndpoints {
    static var operations: [OpenAPIOperation] {
        [operation("get", "exchangeGet"), operation("post", "exchangePost")]
    }

    static func operation(_ method: String, _ id: String) -> OpenAPIOperation {
        let text: JSONValue = .obj([
            "description": .string(
                "success[\\ncrm_1c\\n<token>] | failure\\n<reason> | zip=no\\nfile_limit=N | a CommerceML document (sale query)"),
            "content": .obj([
                "text/plain": .obj(["schema": .obj(["type": .string("string")])]),
                "application/xml": .obj(["schema": .obj(["type": .string("string")])]),
            ]),
        ])
        return OpenAPIOperation(
            method: method, path: "/1c/exchange", id: id,
            summary: "1C exchange (CommerceML 2, \"exchange with site\"): checkauth with HTTP Basic, then the crm_1c cookie",
            tag: "exchange", secured: false,
            parameters: [
                OpenAPIOperation.query("type", .obj(["type": .string("string"), "enum": .strings(["catalog", "sale"])]), required: true),
                OpenAPIOperation.query(
                    "mode",
                    .obj([
                        "type": .string("string"),
                        "enum": .strings(["checkauth", "init", "file", "import", "query", "success", "complete", "deactivate"]),
                    ]),
                    required: true),
                OpenAPIOperation.query("filename", .obj(["type": .string("string")])),
            ],
            requestBody: method == "post"
                ? .obj([
                    "required": .bool(false),
                    "content": .obj([
                        "application/octet-stream": .obj(["schema": .obj(["type": .string("string"), "format": .string("binary")])])
                    ]),
                ])
                : nil,
            responses: [200: text],
            errors: [])
    }
}

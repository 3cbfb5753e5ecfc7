/// The e-mail endpoints outside the resource table: sending from a client card or a deal.
/// Their bodies follow `EmailsController`; the letters themselves are the `emails` resource.
enum MailEndpoints {
    static var operations: [OpenAPIOperation] { [send(on: "clients", id: "sendClientEmail"), send(on: "deals", id: "sendDealEmail")] }

    static var schemas: [String: JSONValue] { ["EmailRequest": emailRequest] }

    static let emailRequest: JSONValue = .obj([
        "type": .string("object"),
        "properties": .obj([
            "subject": .obj(["type": .string("string"), "minLength": .integer(1), "maxLength": .integer(300)]),
            "body": .obj(["type": .string("string"), "maxLength": .integer(100_000), "description": .string("plain text")]),
            "contact_ids": .obj([
                "type": .strings(["array", "null"]), "minItems": .integer(1), "maxItems": .integer(50),
                "items": .obj(["type": .string("integer"), "minimum": .integer(1), "x-references": .string("contacts")]),
                "description": .string(
                    "the client's contacts to write to (each at its first address); left out: every contact with an address"),
            ]),
            "document_ids": .obj([
                "type": .strings(["array", "null"]), "maxItems": .integer(20),
                "items": .obj(["type": .string("integer"), "minimum": .integer(1), "x-references": .string("documents")]),
                "description": .string("documents of the deal (or of the client) whose PDF is attached"),
            ]),
        ]),
        "required": .strings(["subject", "body"]),
        "additionalProperties": .bool(false),
        "examples": .array([
            .obj([
                "subject": .string("Счёт на оплату № 15"), "body": .string("Добрый день! Счёт во вложении."),
                "document_ids": .array([.integer(1)]),
            ])
        ]),
    ])

    static func send(on resource: String, id: String) -> OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/\(resource)/{id}/emails", id: id,
            summary:
                "Send a letter to the client's contacts with documents attached: stored as an interaction of kind email and queued for SMTP in one transaction",
            tag: "emails", parameters: [.ref("Id", in: "parameters"), .ref("IdempotencyKey", in: "parameters")],
            requestBody: OpenAPIOperation.body(.ref("EmailRequest")),
            responses: [201: OpenAPIOperation.json("The letter, queued", .ref("Email"))],
            errors: [400, 403, 404, 409, 413, 422, 503])
    }
}

import Documents

/// The document endpoints outside the resource table: making a document of a deal, and the
/// company logo. Their bodies follow `DocumentsController`.
enum DocumentEndpoints {
    static var operations: [OpenAPIOperation] { [makeDocument, setLogo, removeLogo] }

    static var schemas: [String: JSONValue] { ["DocumentRequest": documentRequest] }

    static let documentRequest: JSONValue = .obj([
        "type": .string("object"),
        "properties": .obj([
            "template_id": .obj(["type": .string("integer"), "minimum": .integer(1), "x-references": .string("document-templates")]),
            "vat_rate": .obj([
                "type": .strings(["string", "null"]), "enum": .array(VATRate.codes.map(JSONValue.string) + [.null]),
                "description": .string("the VAT included in the prices; the company profile's when left out"),
            ]),
        ]),
        "required": .strings(["template_id"]),
        "additionalProperties": .bool(false),
        "examples": .array([.obj(["template_id": .integer(1), "vat_rate": .string("20")])]),
    ])

    static var makeDocument: OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/deals/{id}/documents", id: "makeDocument",
            summary: "Make a document of the deal from a template: numbered, stored as HTML and PDF files of the deal",
            tag: "documents", parameters: [.ref("Id", in: "parameters")],
            requestBody: OpenAPIOperation.body(.ref("DocumentRequest")),
            responses: [201: OpenAPIOperation.json("The document", .ref("Document"))],
            errors: [400, 403, 404, 409, 413, 422, 503])
    }

    static var setLogo: OpenAPIOperation {
        OpenAPIOperation(
            method: "put", path: "/api/v1/company-profile/logo", id: "setCompanyLogo",
            summary: "Set the company logo printed on documents (administrators): a PNG or JPEG of at most 1 MiB as the body",
            tag: "documents",
            requestBody: .obj([
                "required": .bool(true),
                "content": .obj([
                    "image/png": .obj(["schema": .obj(["type": .string("string"), "format": .string("binary")])]),
                    "image/jpeg": .obj(["schema": .obj(["type": .string("string"), "format": .string("binary")])]),
                ]),
            ]),
            responses: [200: OpenAPIOperation.json("The company profile", .ref("CompanyProfile"))],
            errors: [403, 413, 422, 503])
    }

    static var removeLogo: OpenAPIOperation {
        OpenAPIOperation(
            method: "delete", path: "/api/v1/company-profile/logo", id: "removeCompanyLogo",
            summary: "Remove the company logo (administrators)", tag: "documents",
            responses: [200: OpenAPIOperation.json("The company profile", .ref("CompanyProfile"))],
            errors: [403, 503])
    }
}

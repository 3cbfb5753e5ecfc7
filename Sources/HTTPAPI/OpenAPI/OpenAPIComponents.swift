/// The shared parts of the document: the one error format (and a response per error status,
/// with the codes that status carries), the bearer scheme and the common parameters.
enum OpenAPIComponents {
    /// The error codes each status is answered with (`APIError.status` / `APIError.code`).
    static let errorCodes: [(status: Int, codes: [String], description: String)] = [
        (400, ["bad_request"], "The request is malformed (JSON syntax, a header's format)"),
        (401, ["unauthorized"], "No valid session or API token (or wrong credentials at login)"),
        (403, ["forbidden"], "Not allowed: the role's rules, the network or the login hours"),
        (404, ["not_found"], "No such row, or one the caller may not see (the same answer)"),
        (409, ["conflict", "duplicate"], "A business rule or a concurrent request refuses it; duplicate: the row exists already"),
        (412, ["precondition_failed"], "If-Match names an older version of the row"),
        (413, ["payload_too_large"], "The request body is too large"),
        (422, ["validation_failed"], "Invalid values: `fields` names every wrong one"),
        (429, ["too_many_requests"], "Too many failed logins: the login is locked for a while"),
        (
            503, ["database_busy", "database_unavailable", "converter_missing", "conversion_failed", "mail_not_configured"],
            "The database is busy or unreachable (retry after Retry-After seconds), the PDF converter is missing or failed, or e-mail is not configured"
        ),
    ]

    /// `{"error": {...}}`: the body of every error on every endpoint.
    static let errorSchema: JSONValue = .obj([
        "type": .string("object"),
        "properties": .obj([
            "error": .obj([
                "type": .string("object"),
                "properties": .obj([
                    "status": .obj(["type": .string("integer"), "minimum": .integer(400), "maximum": .integer(599)]),
                    "code": .obj([
                        "type": .string("string"),
                        "enum": .strings(errorCodes.flatMap(\.codes) + ["method_not_allowed", "internal_error"]),
                    ]),
                    "reason": .obj([
                        "type": .string("string"),
                        "description": .string("the stable code of this refusal (e.g. stage_skip), when the server knows it"),
                    ]),
                    "message": .obj([
                        "type": .string("string"),
                        "description": .string("in the caller's language: Accept-Language (ru, en), else the user's setting, else Russian"),
                    ]),
                    "request_id": .obj(["type": .string("string"), "description": .string("also in X-Request-Id")]),
                    "fields": .obj(["type": .string("array"), "items": .ref("FieldError")]),
                    "existing": .obj([
                        "type": .string("object"), "description": .string("the row a duplicate would repeat, when visible to the caller"),
                    ]),
                ]),
                "required": .strings(["status", "code", "message", "request_id"]),
                "additionalProperties": .bool(false),
            ])
        ]),
        "required": .strings(["error"]),
        "additionalProperties": .bool(false),
    ])

    static let fieldErrorSchema: JSONValue = .obj([
        "type": .string("object"),
        "properties": .obj([
            "field": .obj(["type": .string("string"), "description": .string("the JSON key (or parameter, header)")]),
            "label": .obj(["type": .string("string"), "description": .string("what the field is called, in the caller's language")]),
            "code": .obj(["type": .string("string"), "description": .string("the stable code of the message")]),
            "message": .obj(["type": .string("string")]),
        ]),
        "required": .strings(["field", "message"]),
        "additionalProperties": .bool(false),
    ])

    /// The name of the response component of an error status (`Error422`).
    static func errorResponseName(_ status: Int) -> String { "Error\(status)" }

    /// One response per error status: the Error schema narrowed to that status and its codes.
    static var errorResponses: [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (status, codes, description) in errorCodes {
            let inner: [String: JSONValue] = [
                "status": .obj(["enum": .array([.integer(Int64(status))])]),
                "code": .obj(["enum": .strings(codes)]),
            ]
            var narrowed: [String: JSONValue] = ["properties": .object(inner)]
            if status == 422 { narrowed["required"] = .strings(["fields"]) }
            let schema: JSONValue = .obj([
                "allOf": .array([
                    .ref("Error"),
                    .obj(["properties": .obj(["error": .object(narrowed)])]),
                ])
            ])
            out[errorResponseName(status)] = .obj([
                "description": .string(description),
                "headers": status == 503 ? .obj(["Retry-After": .obj(["schema": .obj(["type": .string("integer")])])]) : nil,
                "content": .obj(["application/json": .obj(["schema": schema])]),
            ])
        }
        return out
    }

    static let securitySchemes: JSONValue = .obj([
        "bearer": .obj([
            "type": .string("http"), "scheme": .string("bearer"),
            "description": .string("A session token from POST /api/v1/auth/login or an API token from POST /api/v1/tokens"),
        ])
    ])

    /// Parameters shared by many operations.
    static let parameters: [String: JSONValue] = [
        "Id": .obj([
            "name": .string("id"), "in": .string("path"), "required": .bool(true),
            "description": .string("the row's id (anything but a positive whole number is a row that does not exist: 404)"),
            "schema": .obj(["type": .string("integer"), "minimum": .integer(1)]),
        ]),
        "IfMatch": .obj([
            "name": .string("If-Match"), "in": .string("header"), "required": .bool(false),
            "description": .string("the row's ETag (\"3\"; also W/\"3\" or 3): the write happens only at that version, else 412"),
            "schema": .obj(["type": .string("string"), "pattern": .string(#"^(\*|(W/)?"?[0-9]+"?)$"#)]),
        ]),
        "IdempotencyKey": .obj([
            "name": .string("Idempotency-Key"), "in": .string("header"), "required": .bool(false),
            "description": .string(
                "1 to 200 printable ASCII characters: the same key and body get the first response again (with "
                    + "Idempotent-Replayed: true); the same key with another body: 422; while the first is running: 409"),
            "schema": .obj(["type": .string("string"), "minLength": .integer(1), "maxLength": .integer(200)]),
        ]),
    ]

    /// Headers of responses carrying a row.
    static let eTagHeader: JSONValue = .obj([
        "description": .string("the row's version, for If-Match"),
        "schema": .obj(["type": .string("string"), "pattern": .string(#"^"[0-9]+"$"#)]),
    ])
}

/// The OpenAPI operations of integrations: the two creates that show a secret once, and the
/// inbound webhooks (authenticated by an integration token, not a user session).
enum IntegrationEndpoints {
    static var operations: [OpenAPIOperation] {
        [
            create(.integrations, secret: "token", given: false), create(.webhookSubscriptions, secret: "secret", given: true),
            inbound("leads", "inboundLead", "A web-form lead", "InboundLead"),
            inbound("calls", "inboundCall", "A phone-system call event", "InboundCall"),
        ]
    }

    static var schemas: [String: JSONValue] {
        [
            "IntegrationCreated": created(.integrations, secret: "token"),
            "WebhookSubscriptionCreated": created(.webhookSubscriptions, secret: "secret"),
            "InboundLead": lead, "InboundCall": call, "InboundAnswer": answer,
        ]
    }

    /// The row plus the secret member, shown this once.
    static func created(_ resource: Resource, secret: String) -> JSONValue {
        var members = ResourceSchemas(resource: resource).row.members
        var properties = members["properties"]!.members
        properties[secret] = .obj(["type": .string("string"), "description": .string("shown once; only its hash (or the secret) is kept")])
        members["properties"] = .object(properties)
        members["required"] = .strings(resource.fields.map(\.name) + [secret])
        return .object(members)
    }

    static func create(_ resource: Resource, secret: String, given: Bool) -> OpenAPIOperation {
        let schemas = ResourceSchemas(resource: resource)
        var body = schemas.createBody.members
        if given {
            var properties = body["properties"]!.members
            properties[secret] = .obj([
                "type": .strings(["string", "null"]), "minLength": .integer(16), "maxLength": .integer(200),
                "description": .string("the signing secret; generated when left out"),
            ])
            body["properties"] = .object(properties)
        }
        return OpenAPIOperation(
            method: "post", path: "/api/v1/\(resource.path)", id: "create\(schemas.name)",
            summary: "Create a \(resource.singular); the answer shows its \(secret) once", tag: resource.path,
            requestBody: OpenAPIOperation.body(.object(body)),
            responses: [
                201: OpenAPIOperation.json(
                    "Created", .ref(schemas.name + "Created"),
                    headers: [
                        "ETag": OpenAPIComponents.eTagHeader, "Location": .obj(["schema": .obj(["type": .string("string")])]),
                    ])
            ],
            errors: [400, 403, 413, 422, 503])
    }

    static func text(_ maxLength: Int) -> JSONValue {
        .obj(["type": .strings(["string", "null"]), "maxLength": .integer(Int64(maxLength))])
    }

    static let eventID: JSONValue = .obj([
        "type": .strings(["string", "integer"]), "description": .string("unique per integration: a repeat changes nothing"),
    ])

    /// Unknown members are ignored (forms send extra fields).
    static var lead: JSONValue {
        .obj([
            "type": .string("object"),
            "properties": .obj([
                "event_id": eventID, "name": text(200), "phone": text(40), "email": text(254), "comment": text(5000),
                "source": text(200),
                "utm": .obj(["type": .strings(["object", "null"])]),
            ]),
            "required": .strings(["event_id"]),
            "examples": .array([
                .obj([
                    "event_id": .string("form-1001"), "name": .string("Иван Петров"), "phone": .string("8 (495) 123-45-67"),
                    "email": .string("ivan@example.ru"), "comment": .string("Нужна мука высшего сорта"), "source": .string("Сайт"),
                ])
            ]),
        ])
    }

    static var call: JSONValue {
        .obj([
            "type": .string("object"),
            "properties": .obj([
                "event_id": eventID,
                "type": .obj(["type": .string("string"), "enum": .strings(["incoming", "missed", "finished"])]),
                "number": .obj(["type": .string("string"), "maxLength": .integer(40)]),
                "duration_seconds": .obj(["type": .strings(["integer", "null"]), "minimum": .integer(0)]),
                "recording_url": text(2000), "occurred_at": .obj(["type": .strings(["string", "null"]), "format": .string("date-time")]),
                "direction": .obj([
                    "type": .strings(["string", "null"]), "enum": .array([.string("inbound"), .string("outbound"), .null]),
                ]),
            ]),
            "required": .strings(["event_id", "type", "number"]),
            "examples": .array([
                .obj([
                    "event_id": .string("call-2001"), "type": .string("missed"), "number": .string("+7 495 765-43-21"),
                    "duration_seconds": .integer(0), "occurred_at": .string("2026-11-23T10:00:00+03:00"),
                ])
            ]),
        ])
    }

    static var answer: JSONValue {
        .obj([
            "type": .string("object"),
            "properties": .obj([
                "id": .obj(["type": .string("integer")]), "event_id": .obj(["type": .string("string")]),
                "status": .obj(["type": .string("string"), "enum": .strings(["processed", "accepted"])]),
            ]),
            "required": .strings(["id", "event_id", "status"]),
            "additionalProperties": .bool(false),
        ])
    }

    static func inbound(_ path: String, _ id: String, _ summary: String, _ schema: String) -> OpenAPIOperation {
        let replayed: [String: JSONValue] = [
            "Idempotent-Replayed": .obj(["schema": .obj(["type": .string("string"), "enum": .strings(["true"])])])
        ]
        return OpenAPIOperation(
            method: "post", path: "/api/v1/inbound/\(path)", id: id,
            summary: summary + " (Authorization: Bearer <the integration's token>); stored before it is acknowledged",
            tag: "inbound",
            requestBody: OpenAPIOperation.body(.ref(schema)),
            responses: [
                200: OpenAPIOperation.json("Stored and processed", .ref("InboundAnswer"), headers: replayed),
                202: OpenAPIOperation.json("Stored; processing will be retried", .ref("InboundAnswer"), headers: replayed),
            ],
            errors: [400, 403, 409, 413, 422, 503])
    }
}

/// The endpoints outside the resource table: health, sign-in, API tokens, the audit log,
/// pipelines with stages, the client card, the funnel, file content, this document. Their
/// shapes follow the controllers and the SQL that builds their JSON (sql/070, sql/150); parts
/// that are rows of a resource reuse that resource's field schemas.
enum FixedEndpoints {
    static var operations: [OpenAPIOperation] {
        [
            health, login, logout, me, createToken, listTokens, revokeToken, audit, pipelines, currencies, clientCard, funnel, upload,
            download,
            answerApproval, readNotification, readAllNotifications, events, document,
        ]
    }

    static var schemas: [String: JSONValue] {
        [
            "Health": health_, "LoginRequest": loginRequest, "LoginResponse": loginResponse, "Me": me_,
            "TokenCreate": tokenCreate, "TokenCreated": tokenCreated, "ApiToken": apiToken, "AuditEntry": auditEntry,
            "PipelineWithStages": pipelineWithStages, "ClientCard": clientCard_, "FunnelStage": funnelStage,
            "ApprovalAnswer": approvalAnswer,
        ]
    }

    // MARK: schema helpers

    static func type(_ name: String, nullable: Bool = false) -> JSONValue {
        .obj(["type": nullable ? .strings([name, "null"]) : .string(name)])
    }
    static let string = type("string")
    static let integer = type("integer")
    static let boolean = type("boolean")
    static func time(nullable: Bool = false) -> JSONValue {
        .obj(["type": nullable ? .strings(["string", "null"]) : .string("string"), "format": .string("date-time")])
    }
    static func array(_ items: JSONValue) -> JSONValue { .obj(["type": .string("array"), "items": items]) }
    static func enumeration(_ values: [String]) -> JSONValue { .obj(["type": .string("string"), "enum": .strings(values)]) }

    /// An object with exactly these members, all present except `optional`.
    static func object(_ properties: [(String, JSONValue)], optional: Set<String> = []) -> JSONValue {
        .obj([
            "type": .string("object"),
            "properties": .object(Dictionary(uniqueKeysWithValues: properties)),
            "required": .strings(properties.map(\.0).filter { !optional.contains($0) }),
            "additionalProperties": .bool(false),
        ])
    }

    /// Members that are fields of a resource, with that resource's schemas.
    static func fields(_ resource: Resource, _ names: [String]) -> [(String, JSONValue)] {
        names.map { name in
            guard let field = resource.field(name) else { preconditionFailure("\(resource.path) has no field \(name)") }
            return (name, field.responseSchema)
        }
    }

    // MARK: health and sign-in

    static let health_ = object([
        ("status", enumeration(["ok", "degraded"])),
        ("version", string),
        (
            "database",
            object(
                [("reachable", boolean), ("schema_version", integer), ("error", string)],
                optional: ["schema_version", "error"])
        ),
    ])

    static var health: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/health", id: "health", summary: "Whether the server and its database answer", tag: "server",
            secured: false,
            responses: [
                200: OpenAPIOperation.json("The server and the database answer", .ref("Health")),
                503: OpenAPIOperation.json("Degraded: the database does not answer", .ref("Health")),
            ],
            errors: [])
    }

    static let loginRequest: JSONValue = .obj([
        "type": .string("object"),
        "properties": .obj([
            "login": .obj(["type": .string("string"), "minLength": .integer(1), "maxLength": .integer(200)]),
            "password": .obj(["type": .string("string"), "minLength": .integer(1)]),
            "totp_code": .obj([
                "type": .strings(["string", "null"]), "maxLength": .integer(64),
                "description": .string("with two-factor sign-in: the app's code or a recovery code (401 totp_required without it)"),
            ]),
        ]),
        "required": .strings(["login", "password"]),
        "examples": .array([.obj(["login": .string("director"), "password": .string("s3cret-password")])]),
    ])

    static let loginResponse = object([
        ("token", string), ("token_type", enumeration(["Bearer"])), ("user_id", integer), ("session_id", integer),
        ("expires_at", time()),
    ])

    static var login: OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/auth/login", id: "login", summary: "Sign in: a session token", tag: "auth", secured: false,
            requestBody: OpenAPIOperation.body(.ref("LoginRequest")),
            responses: [200: OpenAPIOperation.json("Signed in", .ref("LoginResponse"))],
            errors: [400, 401, 403, 413, 422, 429, 503])
    }

    static var logout: OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/auth/logout", id: "logout", summary: "End the session of the token", tag: "auth",
            responses: [204: OpenAPIOperation.empty("Signed out")], errors: [503])
    }

    static let me_ = object([
        ("id", integer), ("login", string), ("name", string), ("email", type("string", nullable: true)),
        ("phone", type("string", nullable: true)), ("time_zone", string), ("locale", string),
        ("department_id", type("integer", nullable: true)), ("roles", array(string)), ("territory_ids", array(integer)),
        (
            "permissions",
            .obj([
                "type": .string("object"), "description": .string("entity.action → the widest scope (none left out)"),
                "additionalProperties": enumeration(["own", "department", "territory", "all"]),
            ])
        ),
        ("admin", boolean), ("session_id", type("integer", nullable: true)),
    ])

    static var me: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/me", id: "me", summary: "The signed-in user: roles, territories, permissions", tag: "auth",
            responses: [200: OpenAPIOperation.json("The user", .ref("Me"))], errors: [503])
    }

    // MARK: API tokens

    static let tokenCreate: JSONValue = .obj([
        "type": .string("object"),
        "properties": .obj([
            "name": .obj(["type": .string("string"), "minLength": .integer(1), "maxLength": .integer(100)]),
            "user_id": .obj([
                "type": .string("integer"), "minimum": .integer(1),
                "description": .string("another user's (administrators only)"),
            ]),
            "expires_at": .obj(["type": .string("string"), "format": .string("date-time"), "description": .string("in the future")]),
        ]),
        "required": .strings(["name"]),
        "examples": .array([.obj(["name": .string("Интеграция с 1С"), "expires_at": .string("2030-01-01T00:00:00Z")])]),
    ])

    static let tokenCreated = object(
        [("id", integer), ("name", string), ("token", string), ("expires_at", time())], optional: ["expires_at"])

    static let apiToken = object([
        ("id", integer), ("name", string), ("user_id", integer), ("created_at", time()), ("expires_at", time(nullable: true)),
        ("last_used_at", time(nullable: true)), ("revoked_at", time(nullable: true)),
    ])

    static var createToken: OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/tokens", id: "createToken", summary: "Create an API token (shown once)", tag: "tokens",
            requestBody: OpenAPIOperation.body(.ref("TokenCreate")),
            responses: [201: OpenAPIOperation.json("Created; the token is never shown again", .ref("TokenCreated"))],
            errors: [400, 403, 409, 413, 422, 503])
    }

    static var listTokens: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/tokens", id: "listTokens", summary: "Your API tokens (every one, for administrators)",
            tag: "tokens", responses: [200: OpenAPIOperation.json("The tokens", array(.ref("ApiToken")))], errors: [503])
    }

    static var revokeToken: OpenAPIOperation {
        OpenAPIOperation(
            method: "delete", path: "/api/v1/tokens/{id}", id: "revokeToken", summary: "Revoke an API token", tag: "tokens",
            parameters: [.ref("Id", in: "parameters")],
            responses: [204: OpenAPIOperation.empty("Revoked")], errors: [404, 503])
    }

    // MARK: audit

    static let auditEntry = object([
        ("id", integer), ("at", time()), ("user_id", type("integer", nullable: true)), ("db_role", string), ("login_role", string),
        ("session_id", type("integer", nullable: true)), ("api_token_id", type("integer", nullable: true)),
        ("client_ip", type("string", nullable: true)), ("table", type("string", nullable: true)),
        ("row_id", type("integer", nullable: true)), ("action", enumeration(AuditController.actions.sorted())),
        ("old", type("object", nullable: true)), ("new", type("object", nullable: true)), ("details", type("object", nullable: true)),
        ("seq", type("integer", nullable: true)),
        ("hash", .obj(["type": .strings(["string", "null"]), "pattern": .string("^[0-9a-f]{64}$")])),
    ])

    static var audit: OpenAPIOperation {
        let id = JSONValue.obj(["type": .string("integer")])
        return OpenAPIOperation(
            method: "get", path: "/api/v1/audit", id: "audit", summary: "The audit log, newest first (administrators)", tag: "audit",
            parameters: [
                OpenAPIOperation.query("user_id", id),
                OpenAPIOperation.query("table", .obj(["type": .string("string"), "maxLength": .integer(200)])),
                OpenAPIOperation.query("row_id", id), OpenAPIOperation.query("action", enumeration(AuditController.actions.sorted())),
                OpenAPIOperation.query("from", time(), "at or after"), OpenAPIOperation.query("to", time(), "before"),
                OpenAPIOperation.query("before_id", id, "the next page: entries older than this id"),
                OpenAPIOperation.query(
                    "limit",
                    .obj([
                        "type": .string("integer"), "minimum": .integer(1), "maximum": .integer(1000),
                        "default": .integer(100),
                    ])),
            ],
            responses: [200: OpenAPIOperation.json("The entries", array(.ref("AuditEntry")))], errors: [403, 422, 503])
    }

    // MARK: pipelines, client card, funnel

    static var pipelineWithStages: JSONValue {
        object(
            fields(.pipelines, ["id", "name", "kind", "is_default", "active"]) + [
                ("stages", array(object(fields(.stages, ["id", "code", "name", "position", "kind", "skippable", "probability"])))),
                (
                    "custom_fields",
                    array(object(fields(.customFields, ["id", "key", "label", "type", "required", "default_value", "options"])))
                ),
            ])
    }

    static var pipelines: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/pipelines", id: "listPipelines", summary: "Every pipeline with its stages and custom fields",
            tag: "pipelines",
            responses: [200: OpenAPIOperation.json("The pipelines", object([("items", array(.ref("PipelineWithStages")))]))],
            errors: [503])
    }

    static var currencies: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/currencies", id: "listCurrencies",
            summary: "The currencies deals, invoices and products may be in (RUB first)", tag: "pipelines",
            responses: [
                200: OpenAPIOperation.json(
                    "The currencies",
                    object([
                        (
                            "items",
                            array(
                                object([
                                    ("code", .obj(["type": .string("string"), "pattern": .string("^[A-Z]{3}$")])), ("name", string),
                                    ("minor_units", integer),
                                ]))
                        )
                    ]))
            ],
            errors: [503])
    }

    static var clientCard_: JSONValue {
        let money = JSONValue.obj(["type": .string("string"), "pattern": .string(FieldType.moneyPattern)])
        let count = JSONValue.obj(["type": .string("integer"), "minimum": .integer(0)])
        return object([
            ("client", .ref("Client")),
            (
                "counterparties",
                array(
                    object(
                        fields(.counterparties, ["id", "legal_name", "inn", "kpp", "ogrn", "address", "valid_from", "valid_to"])
                            + [("current", boolean)]))
            ),
            ("contacts", array(object(fields(.contacts, ["id", "name", "position", "phones", "emails"])))),
            (
                "open_deals",
                array(
                    object(
                        fields(.deals, ["id", "title", "pipeline_id", "stage_id"]) + [("stage", string)]
                            + fields(
                                .deals,
                                [
                                    "amount", "currency", "probability", "expected_close_date", "owner_id", "owner_name",
                                    "responsible_id", "responsible_name", "created_at",
                                ])))
            ),
            (
                "recent_interactions",
                array(
                    object(
                        fields(
                            .interactions,
                            [
                                "id", "kind", "direction", "occurred_at", "duration_seconds", "summary", "deal_id", "owner_id",
                                "owner_name",
                            ])))
            ),
            (
                "open_tasks",
                array(object(fields(.tasks, ["id", "title", "assignee_id", "assignee_name", "due_at", "time_zone", "status", "deal_id"])))
            ),
            (
                "documents",
                array(
                    object(
                        fields(
                            .documents,
                            [
                                "id", "deal_id", "kind", "number", "issued_on", "title", "total", "currency", "html_file_id",
                                "pdf_file_id", "created_by", "created_at",
                            ])))
            ),
            (
                "emails",
                array(
                    object(
                        fields(
                            .emails,
                            [
                                "id", "interaction_id", "deal_id", "subject", "recipients", "contact_ids", "document_ids",
                                "attachment_file_ids", "status", "attempts", "last_error", "next_attempt_at", "sent_at",
                                "owner_id", "owner_name", "created_at",
                            ])))
            ),
            (
                "unpaid_invoices",
                array(
                    object(
                        fields(
                            .invoices,
                            [
                                "id", "number", "deal_id", "counterparty_id", "issued_on", "due_on", "amount", "paid_amount",
                                "currency", "status",
                            ])))
            ),
            (
                "analytics",
                object([
                    ("deals_open", count), ("deals_won", count), ("deals_lost", count), ("counterparties_ever", count),
                    (
                        "amounts",
                        array(
                            object([
                                ("currency", string), ("won_amount", money), ("invoiced_amount", money), ("paid_amount", money),
                            ]))
                    ),
                ])
            ),
        ])
    }

    static var clientCard: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/clients/{id}/card", id: "clientCard",
            summary: "A client with counterparties, contacts, open deals, recent interactions, open tasks, unpaid invoices, analytics",
            tag: "clients", parameters: [.ref("Id", in: "parameters")],
            responses: [200: OpenAPIOperation.json("The card (each part under the caller's rules)", .ref("ClientCard"))],
            errors: [404, 503])
    }

    static var funnelStage: JSONValue {
        object(
            [("stage_id", integer)] + fields(.stages, ["code"]) + [("stage", string)] + fields(.stages, ["position", "kind"]) + [
                ("deals", .obj(["type": .string("integer"), "minimum": .integer(0)])),
                ("amount", .obj(["type": .string("string"), "pattern": .string(FieldType.moneyPattern)])),
            ])
    }

    static var funnel: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/reports/funnel", id: "salesFunnel", summary: "Deals and sums per stage of a pipeline",
            tag: "reports",
            parameters: [OpenAPIOperation.query("pipeline_id", .obj(["type": .string("integer")]), "the default pipeline when left out")],
            responses: [200: OpenAPIOperation.json("The stages in order", object([("stages", array(.ref("FunnelStage")))]))],
            errors: [422, 503])
    }

    // MARK: approvals

    static var approvalAnswer: JSONValue {
        var schema = object(
            [
                ("decision", enumeration(["approve", "reject"])),
                ("comment", .obj(["type": .string("string"), "maxLength": .integer(4000)])),
            ], optional: ["comment"])
        schema = schema.merging(.obj(["examples": .array([.obj(["decision": .string("approve"), "comment": .string("Согласовано")])])]))
        return schema
    }

    static var answerApproval: OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/approvals/{id}/answer", id: "answerApproval",
            summary: "Answer an approval step: approve, or reject with a comment (sends the deal back)", tag: "approvals",
            parameters: [.ref("Id", in: "parameters")],
            requestBody: OpenAPIOperation.body(.ref("ApprovalAnswer")),
            responses: [200: OpenAPIOperation.json("The approval as answered", .ref("Approval"))],
            errors: [400, 403, 404, 409, 413, 422, 503])
    }

    // MARK: notifications and the event stream

    static var readNotification: OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/notifications/{id}/read", id: "readNotification",
            summary: "Mark one of the caller's notifications read (again: no change)", tag: "notifications",
            parameters: [.ref("Id", in: "parameters")],
            responses: [204: OpenAPIOperation.empty("Marked read")], errors: [404, 503])
    }

    static var readAllNotifications: OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/notifications/read-all", id: "readAllNotifications",
            summary: "Mark every unread notification of the caller read", tag: "notifications",
            responses: [
                200: OpenAPIOperation.json(
                    "How many were unread",
                    object([
                        ("updated", .obj(["type": .string("integer"), "minimum": .integer(0)]))
                    ]))
            ],
            errors: [503])
    }

    static var events: OpenAPIOperation {
        let id = JSONValue.obj(["type": .string("integer"), "minimum": .integer(0)])
        return OpenAPIOperation(
            method: "get", path: "/api/v1/events", id: "events",
            summary: "The caller's notifications as Server-Sent Events: `id:` the notification id, `event:` its kind, "
                + "`data:` the notification (as in GET /api/v1/notifications/{id}); a `: heartbeat` comment every 15 s. "
                + "With Last-Event-ID, the stored ones after it first. Ends when the session ends or the server stops.",
            tag: "notifications",
            parameters: [
                .obj([
                    "name": .string("Last-Event-ID"), "in": .string("header"), "schema": id,
                    "description": .string("replay the notifications after this id"),
                ]),
                OpenAPIOperation.query("last_event_id", id, "like the Last-Event-ID header (for clients that cannot set it)"),
            ],
            responses: [
                200: .obj([
                    "description": .string("An endless text/event-stream"),
                    "content": .obj(["text/event-stream": .obj(["schema": .obj(["type": .string("string")])])]),
                ])
            ],
            errors: [400, 503])
    }

    // MARK: files and this document

    static var upload: OpenAPIOperation {
        let reference = { (path: String) in
            JSONValue.obj(["type": .string("integer"), "minimum": .integer(1), "x-references": .string(path)])
        }
        return OpenAPIOperation(
            method: "post", path: "/api/v1/files", id: "uploadFile", summary: "Upload a file: the raw content as the body",
            tag: "files",
            parameters: [
                OpenAPIOperation.query(
                    "name",
                    .obj([
                        "type": .string("string"), "minLength": .integer(1), "maxLength": .integer(255),
                        "pattern": .string(#"^[^/\\]*\S[^/\\]*$"#),
                    ]),
                    "the file name", required: true),
                OpenAPIOperation.query("client_id", reference("clients"), "attach to a client"),
                OpenAPIOperation.query("deal_id", reference("deals"), "attach to a deal"),
            ],
            requestBody: .obj([
                "required": .bool(true), "description": .string("the content; its Content-Type is kept"),
                "content": .obj(["*/*": .obj(["schema": .obj(["type": .string("string"), "format": .string("binary")])])]),
            ]),
            responses: [
                201: OpenAPIOperation.json(
                    "Stored", .ref("File"),
                    headers: [
                        "ETag": OpenAPIComponents.eTagHeader,
                        "Location": .obj(["schema": .obj(["type": .string("string")])]),
                    ])
            ],
            errors: [403, 413, 422, 503])
    }

    static var download: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/files/{id}/content", id: "downloadFile", summary: "A file's content", tag: "files",
            parameters: [.ref("Id", in: "parameters")],
            responses: [
                200: .obj([
                    "description": .string("The content, with its Content-Type"),
                    "headers": .obj(["Content-Disposition": .obj(["schema": .obj(["type": .string("string")])])]),
                    "content": .obj(["*/*": .obj(["schema": .obj(["type": .string("string"), "format": .string("binary")])])]),
                ])
            ],
            errors: [404, 503])
    }

    static var document: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/openapi.json", id: "openapi", summary: "This document", tag: "server", secured: false,
            responses: [200: OpenAPIOperation.json("The OpenAPI 3.1 document", .obj(["type": .string("object")]))], errors: [])
    }
}

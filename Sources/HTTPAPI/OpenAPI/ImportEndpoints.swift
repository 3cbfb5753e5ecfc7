/// The import of clients from CSV and Excel, and its saved column mappings. Their bodies follow
/// `ImportsController`.
enum ImportEndpoints {
    static var operations: [OpenAPIOperation] {
        [importClients, listImports, showImport, rejectedRows, listMappings, saveMapping, deleteMapping]
    }

    static var schemas: [String: JSONValue] {
        ["Import": importSchema, "ImportMapping": mappingSchema, "ImportMappingRequest": mappingRequest, "ImportColumns": columnsSchema]
    }

    static let fields = ClientImportField.allCases.map(\.rawValue)

    static let columnsSchema: JSONValue = .obj([
        "type": .string("object"),
        "description": .string("field → the file's column heading; `name` is required"),
        "properties": .object(
            Dictionary(
                uniqueKeysWithValues: fields.map {
                    ($0, JSONValue.obj(["type": .string("string"), "minLength": .integer(1), "maxLength": .integer(200)]))
                })),
        "additionalProperties": .bool(false),
        "minProperties": .integer(1),
        "examples": .array([.obj(["name": .string("Компания"), "inn": .string("ИНН"), "phone": .string("Тел.")])]),
    ])

    static let countsSchema: JSONValue = .obj([
        "type": .strings(["object", "null"]),
        "properties": .object(
            Dictionary(
                uniqueKeysWithValues: [
                    "rows", "created", "merged", "rejected", "counterparties_created", "contacts_created", "contacts_skipped",
                ].map { ($0, JSONValue.obj(["type": .string("integer"), "minimum": .integer(0)])) })),
    ])

    static let importSchema: JSONValue = .obj([
        "type": .string("object"),
        "properties": .obj([
            "id": .obj(["type": .string("integer")]),
            "kind": .obj(["type": .string("string"), "enum": .strings(["clients"])]),
            "file_name": .obj(["type": .string("string")]),
            "format": .obj(["type": .string("string"), "enum": .strings(["csv", "xlsx"])]),
            "dry_run": .obj(["type": .string("boolean")]),
            "columns": .ref("ImportColumns"),
            "rows_read": .obj(["type": .string("integer"), "description": .string("rows read so far (while running) or in all")]),
            "status": .obj(["type": .string("string"), "enum": .strings(["running", "done", "failed"])]),
            "error": .obj(["type": .strings(["string", "null"])]),
            "counts": countsSchema,
            "created_at": .obj(["type": .string("string"), "format": .string("date-time")]),
            "finished_at": .obj(["type": .strings(["string", "null"]), "format": .string("date-time")]),
        ]),
        "required": .strings(["id", "kind", "format", "dry_run", "status", "rows_read"]),
    ])

    static let mappingSchema: JSONValue = .obj([
        "type": .string("object"),
        "properties": .obj([
            "id": .obj(["type": .string("integer")]),
            "kind": .obj(["type": .string("string"), "enum": .strings(["clients"])]),
            "name": .obj(["type": .string("string")]),
            "columns": .ref("ImportColumns"),
        ]),
        "required": .strings(["id", "name", "columns"]),
    ])

    static let mappingRequest: JSONValue = .obj([
        "type": .string("object"),
        "properties": .obj([
            "name": .obj(["type": .string("string"), "minLength": .integer(1), "maxLength": .integer(200)]),
            "columns": .ref("ImportColumns"),
        ]),
        "required": .strings(["name", "columns"]),
        "examples": .array([.obj(["name": .string("Выгрузка из 1С"), "columns": .obj(["name": .string("Контрагент")])])]),
    ])

    static let fileBody: JSONValue = .obj([
        "required": .bool(true),
        "content": .obj([
            "text/csv": .obj(["schema": .obj(["type": .string("string")])]),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": .obj([
                "schema": .obj(["type": .string("string"), "format": .string("binary")])
            ]),
        ]),
    ])

    static var importClients: OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/imports/clients", id: "importClients",
            summary:
                "Import clients (with counterparties and contacts) from CSV (UTF-8 or windows-1251; `;`, `,` or tab) or .xlsx: "
                + "normalised, deduplicated by ИНН+КПП, phone, e-mail and name, written in one transaction unless a dry run",
            tag: "imports",
            parameters: [
                OpenAPIOperation.query("dry_run", .obj(["type": .string("string"), "enum": .strings(["true", "false"])])),
                OpenAPIOperation.query("file_name", .obj(["type": .string("string"), "maxLength": .integer(500)])),
                OpenAPIOperation.query(
                    "mapping_id", .obj(["type": .string("integer"), "minimum": .integer(1)]), "a saved column mapping"),
                OpenAPIOperation.query(
                    "columns", .obj(["type": .string("string"), "maxLength": .integer(10_000)]),
                    "a JSON object of field → column heading (ImportColumns)"),
            ],
            requestBody: fileBody,
            responses: [200: OpenAPIOperation.json("The import, done or failed, with its counts", .ref("Import"))],
            errors: [400, 403, 404, 413, 422, 503])
    }

    static var listImports: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/imports", id: "listImports", summary: "The caller's imports, newest first", tag: "imports",
            parameters: [
                OpenAPIOperation.query("limit", .obj(["type": .string("integer"), "minimum": .integer(1), "maximum": .integer(500)]))
            ],
            responses: [
                200: OpenAPIOperation.json(
                    "The imports",
                    .obj([
                        "type": .string("object"),
                        "properties": .obj(["items": .obj(["type": .string("array"), "items": .ref("Import")])]),
                    ]))
            ],
            errors: [400, 503])
    }

    static var showImport: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/imports/{id}", id: "showImport",
            summary: "One import of the caller's: its status, the rows read so far while it runs, its counts when done", tag: "imports",
            parameters: [.ref("Id", in: "parameters")],
            responses: [200: OpenAPIOperation.json("The import", .ref("Import"))],
            errors: [404, 503])
    }

    static var rejectedRows: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/imports/{id}/rejected", id: "importRejectedRows",
            summary: "The rows an import rejected, as CSV (UTF-8 with BOM, `;`): row, column, value, reason", tag: "imports",
            parameters: [.ref("Id", in: "parameters")],
            responses: [
                200: .obj([
                    "description": .string("The rejected rows"),
                    "content": .obj(["text/csv": .obj(["schema": .obj(["type": .string("string")])])]),
                ])
            ],
            errors: [404, 503])
    }

    static var listMappings: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/import-mappings", id: "listImportMappings", summary: "The caller's saved column mappings",
            tag: "imports",
            responses: [
                200: OpenAPIOperation.json(
                    "The mappings",
                    .obj([
                        "type": .string("object"),
                        "properties": .obj(["items": .obj(["type": .string("array"), "items": .ref("ImportMapping")])]),
                    ]))
            ],
            errors: [503])
    }

    static var saveMapping: OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/import-mappings", id: "saveImportMapping",
            summary: "Save a column mapping under a name (replacing the caller's mapping of that name)", tag: "imports",
            requestBody: OpenAPIOperation.body(.ref("ImportMappingRequest")),
            responses: [201: OpenAPIOperation.json("The mapping", .ref("ImportMapping"))],
            errors: [400, 413, 422, 503])
    }

    static var deleteMapping: OpenAPIOperation {
        OpenAPIOperation(
            method: "delete", path: "/api/v1/import-mappings/{id}", id: "deleteImportMapping",
            summary: "Delete one of the caller's saved mappings", tag: "imports", parameters: [.ref("Id", in: "parameters")],
            responses: [204: OpenAPIOperation.empty("Deleted")],
            errors: [404, 503])
    }
}

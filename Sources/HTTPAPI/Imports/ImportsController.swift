import CRMDomain
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresClient

/// The import of clients from CSV and Excel (issue 13):
/// - `POST /api/v1/imports/clients?dry_run=true|false&file_name=…&mapping_id=…|columns=…` with
///   the file as the body (CSV in UTF-8 or windows-1251 with `;`, `,` or tab, or .xlsx): read,
///   normalised, checked against the file and the database, and — unless a dry run — written, in
///   one transaction as the caller (the row rules decide, the audit records every row and the
///   batch). Answers 200 with the import: `status` (done or failed), the counts (created, merged,
///   rejected …). The columns: by `mapping_id` (a saved mapping), by `columns` (a JSON object of
///   field → heading), else by the usual headings (Наименование, ИНН, КПП, Телефон …).
/// - `GET /api/v1/imports`, `GET /api/v1/imports/{id}`: the caller's imports, with the rows read
///   so far while one runs.
/// - `GET /api/v1/imports/{id}/rejected`: the rejected rows as CSV (row, column, value, reason).
/// - `GET|POST /api/v1/import-mappings`, `DELETE /api/v1/import-mappings/{id}`: saved mappings.
struct ImportsController: Sendable {
    /// Where uploads wait while they are read (removed after).
    let folder: String
    let maximumBytes: Int
    let logger = Logger(label: "crm.import")

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.post("/api/v1/imports/clients") { request, context in try await self.start(request, context) }
        router.get("/api/v1/imports") { request, context in try await self.list(request, context) }
        router.get("/api/v1/imports/:id") { request, context in try await self.status(request, context) }
        router.get("/api/v1/imports/:id/rejected") { request, context in try await self.rejected(request, context) }
        router.get("/api/v1/import-mappings") { request, context in try await self.mappings(request, context) }
        router.post("/api/v1/import-mappings") { request, context in try await self.saveMapping(request, context) }
        router.delete("/api/v1/import-mappings/:id") { request, context in try await self.deleteMapping(request, context) }
    }

    func start(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        var query = QueryParameters(request)
        let dryRun = query.string("dry_run", allowed: ["true", "false"]) == "true"
        let fileName = query.string("file_name", maxLength: 500) ?? ""
        let mappingID = query.int64("mapping_id")
        let columnsText = query.string("columns", maxLength: 10_000)
        try query.validate()
        var columns: [String: String]?
        if let columnsText {
            columns = try Self.columns(try RequestInput.json(Array(columnsText.utf8)), field: "columns")
        }
        let scope = try context.scope
        if let mappingID {
            let json = try await scope.transaction { connection, _ in
                try await connection.query("select crm_api.import_mapping(\(mappingID))::text")[0].decode(String.self, at: 0)
            }
            guard case .object(let mapping) = try JSONValue.parse(Array(json.utf8)), let saved = mapping["columns"] else {
                throw APIError.notFound("import mapping \(mappingID) not found")
            }
            columns = try Self.columns(saved, field: "mapping_id")
        }
        try await scope.transaction { connection, _ in
            _ = try await connection.query("select crm_api.import_check('clients')")
        }
        let path = folder + "/" + UUID().uuidString + ".upload"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await receive(request.body, to: path)
        let file = try await BlockingWork.run { try ImportFile(path: path) }
        let headings = try await BlockingWork.run { try file.headings() }
        let found = try ClientImportField.columns(headings: headings, mapping: columns)
        var used: [String: JSONValue] = [:]
        for (field, index) in found { used[field.rawValue] = .string(headings[index]) }
        let usedJSON = JSONValue.object(used).jsonText
        let importID = try await scope.transaction { connection, _ in
            try await connection.query(
                """
                select crm_api.import_begin('clients', \(fileName), \(file.format.rawValue), \(dryRun), \(usedJSON)::jsonb)
                """)[0].decode(Int64.self, at: 0)
        }
        let run = ClientImport(file: file, normalizer: ClientRowNormalizer(columns: found), importID: importID, dryRun: dryRun)
        do {
            _ = try await run.run(scope: scope)
        } catch {
            let message = Self.reason(error)
            logger.notice(
                "import failed", metadata: ["import": "\(importID)", "reason": "\(message)", "request_id": "\(context.requestID)"])
            _ = try? await scope.transaction { connection, _ in
                try await connection.query("select crm_api.import_fail(\(importID), \(message))")
            }
            throw error
        }
        return try await status(of: importID, scope)
    }

    /// Streams the body to `path` (blocking writes on threads of their own), at most `maximumBytes`.
    func receive(_ body: RequestBody, to path: String) async throws {
        try await BlockingWork.run {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ImportFileError.fail("cannot store the uploaded file")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ImportFileError.fail("cannot store the uploaded file") }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var total = 0
        for try await buffer in body {
            total += buffer.readableBytes
            guard total <= maximumBytes else {
                throw APIError.payloadTooLarge("the file is larger than \(maximumBytes / (1 << 20)) MB")
            }
            pending.append(contentsOf: buffer.readableBytesView)
            if pending.count >= 4 << 20 {
                let bytes = pending
                pending.removeAll(keepingCapacity: true)
                try await BlockingWork.run { try handle.write(contentsOf: bytes) }
            }
        }
        let rest = pending
        try await BlockingWork.run { try handle.write(contentsOf: rest) }
        if total == 0 { throw APIError.validation([.init(field: "file", message: "the file is empty")]) }
    }

    func status(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        try await status(of: try Self.id(context), try context.scope)
    }

    func status(of id: Int64, _ scope: RequestScope) async throws -> Response {
        let json = try await scope.transaction { connection, _ in
            try await connection.query("select crm_api.import_status(\(id))::text")[0].decode(String.self, at: 0)
        }
        return JSONResponse.raw(json)
    }

    func list(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        var query = QueryParameters(request)
        let limit = query.int64("limit") ?? 50
        try query.validate()
        let json = try await context.scope.transaction { connection, _ in
            try await connection.query("select crm_api.imports_list(\(max(1, min(limit, 500)))::int)::text")[0].decode(String.self, at: 0)
        }
        return JSONResponse.raw("{\"items\": \(json)}")
    }

    /// The rejected rows as CSV (UTF-8 with a byte order mark, `;`: what Excel opens in Russian),
    /// each column named by the file's own heading, each reason in the caller's language.
    func rejected(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let language = MessageLanguage(acceptLanguage: request.headers[.acceptLanguage]) ?? .ru
        let (columnsJSON, rows) = try await context.scope.transaction { connection, _ in
            let status = try await connection.query("select crm_api.import_status(\(id)) -> 'columns'")[0].decode(String.self, at: 0)
            let rows = try await connection.query("select row_number, column_name, value, reason from crm_api.import_rejected(\(id))")
            return (status, try rows.map { try $0.decode((Int64, String, String, String).self) })
        }
        var headings: [String: String] = [:]
        if case .object(let object) = try JSONValue.parse(Array(columnsJSON.utf8)) {
            for (key, value) in object { if case .string(let text) = value { headings[key] = text } }
        }
        let titles = language == .ru ? ["Строка", "Столбец", "Значение", "Причина"] : ["Row", "Column", "Value", "Reason"]
        let encoder = CSVEncoder(columns: titles.map { ReportColumn($0, .text) }, separator: .semicolon)
        var body = encoder.header()
        for (row, column, value, reason) in rows {
            body.writeString(
                encoder.row([String(row), headings[column] ?? column, value, ErrorCatalogue.translate(reason, to: language).text]))
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"import-\(id)-rejected.csv\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    func mappings(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let json = try await context.scope.transaction { connection, _ in
            try await connection.query("select crm_api.import_mappings('clients')::text")[0].decode(String.self, at: 0)
        }
        return JSONResponse.raw("{\"items\": \(json)}")
    }

    /// `{"name", "columns": {field: heading}}` saves (or replaces) the caller's mapping of that name.
    func saveMapping(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let body = try RequestInput.json(try await RequestInput.body(request, limit: 64 << 10))
        guard case .object(let object) = body else { throw APIError.validation([.init(field: "(body)", message: "must be a JSON object")]) }
        var problems: [APIError.FieldError] = []
        var name = ""
        if case .string(let text)? = object["name"], !text.trimmingSpaces().isEmpty, text.count <= 200 {
            name = text
        } else {
            problems.append(.init(field: "name", message: "is required: a name of up to 200 characters"))
        }
        var columns: [String: String] = [:]
        do {
            columns = try Self.columns(object["columns"] ?? .null, field: "columns")
        } catch APIError.validation(let errors) {
            problems += errors
        }
        for key in columns.keys where ClientImportField(rawValue: key) == nil {
            problems.append(.init(field: "columns.\(key)", message: "is not a field of a client row"))
        }
        if !problems.isEmpty { throw APIError.validation(problems) }
        let json = JSONValue.object(columns.mapValues { .string($0) }).jsonText
        let chosen = name
        let saved = try await context.scope.transaction { connection, _ in
            try await connection.query("select crm_api.import_mapping_save('clients', \(chosen), \(json)::jsonb)::text")[0].decode(
                String.self, at: 0)
        }
        return JSONResponse.raw(saved, status: .created)
    }

    func deleteMapping(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let id = try Self.id(context)
        try await context.scope.transaction { connection, _ in
            _ = try await connection.query("select crm_api.import_mapping_delete(\(id))")
        }
        return Response(status: .noContent)
    }

    /// A JSON object of field → heading (each a non-empty string).
    static func columns(_ value: JSONValue, field: String) throws -> [String: String] {
        guard case .object(let object) = value, !object.isEmpty else {
            throw APIError.validation([.init(field: field, message: "must be an object of field → column heading")])
        }
        var out: [String: String] = [:]
        var problems: [APIError.FieldError] = []
        for (key, item) in object {
            if case .string(let heading) = item, !heading.trimmingSpaces().isEmpty, heading.count <= 200 {
                out[key] = heading
            } else {
                problems.append(.init(field: "\(field).\(key)", message: "must be a column heading of up to 200 characters"))
            }
        }
        if !problems.isEmpty { throw APIError.validation(problems) }
        return out
    }

    static func id(_ context: CRMRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else { throw APIError.notFound("no such import") }
        return id
    }

    /// What went wrong, in words for the import's record.
    static func reason(_ error: any Error) -> String {
        if let file = error as? ImportFileError { return file.description }
        if let described = APIError.describe(error, language: .en) {
            let fields = described.fields.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
            return fields.isEmpty ? described.message : described.message + " (" + fields + ")"
        }
        return "the import failed: \(type(of: error))"
    }
}

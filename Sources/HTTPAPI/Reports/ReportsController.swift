import AccessControl
import Foundation
import Hummingbird
import PostgresClient

/// `GET /api/v1/reports`: the reports and their parameters. `GET /api/v1/reports/{name}`: one
/// report as JSON (`{"report", "parameters", "columns", "rows"}`, exact decimals as strings),
/// or as a CSV (`Accept: text/csv` or `?format=csv`; `separator=semicolon` for a Russian Excel)
/// or .xlsx (`?format=xlsx`) download, streamed from a cursor. Rows are what the caller may see: the report functions run under
/// the caller's row rules. A download needs the `export` action on reports and is audited
/// by the database (`crm_api.record_report_export`). (`/api/v1/reports/funnel` stays with
/// `FunnelController`.)
struct ReportsController: Sendable {
    let database: UserDatabase

    /// Rows fetched from the cursor per round trip while streaming CSV.
    static let batchSize = 500

    func register(on router: Router<CRMRequestContext>) {
        router.get("/api/v1/reports") { request, context in
            // The catalog is static; the request still checks the session like every other.
            let token = try RequestInput.token(request, context)
            try await database.withRequest(token: token, clientIP: context.clientIP) { _, _ in }
            return JSONResponse.raw(Self.catalogJSON)
        }
        router.get("/api/v1/reports/{name}") { request, context in
            try await self.report(request, context)
        }
    }

    /// The catalog as JSON, made once.
    static let catalogJSON = listJSON()

    static func listJSON() -> String {
        let reports: [JSONValue] = ReportCatalog.all.map { report in
            .object([
                "name": .string(report.name), "title": .string(report.title), "summary": .string(report.summary),
                "view": .string(report.view), "path": .string("/api/v1/reports/\(report.name)"),
                "parameters": .array(report.parameters.map { parameter in
                    .object(["name": .string(parameter.name), "type": .string(parameter.typeName),
                             "summary": .string(parameter.summary)])
                }),
                "columns": .array(report.columns.map { .object(["name": .string($0.name), "type": .string($0.kind.rawValue)]) }),
            ])
        }
        return JSONValue.object(["reports": .array(reports)]).jsonText
    }

    func report(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let token = try RequestInput.token(request, context)
        guard let name = context.parameters.get("name"), let report = ReportCatalog.named(name) else {
            throw APIError.notFound("no such report; GET /api/v1/reports lists them")
        }
        let input = try ReportRequest(request, report)
        if let format = input.download {
            return try await download(report, input, format, token: token, clientIP: context.clientIP)
        }
        let json = try await database.withRequest(token: token, clientIP: context.clientIP) { connection, _ in
            try await connection.query(report.jsonQuery(input.values))[0][0] ?? "{}"
        }
        let columns = report.columns.map { "{\"name\":\"\($0.name)\",\"type\":\"\($0.kind.rawValue)\"}" }.joined(separator: ",")
        let head = "{\"report\":\"\(report.name)\",\"columns\":[\(columns)],"
        return JSONResponse.raw(head + json.dropFirst())
    }

    /// Checks the export right first (a 403 before any byte), then streams the rows in one
    /// transaction and records the export, with the row count, at its end.
    private func download(
        _ report: ReportDefinition, _ input: ReportRequest, _ format: ExportFormat, token: String, clientIP: String
    ) async throws -> Response {
        try await database.withRequest(token: token, clientIP: clientIP) { connection, _ in
            _ = try await connection.query("select crm_api.check_report_export()")
        }
        let file = ExportFile(
            format: format, header: report.columns.map(\.name), kinds: report.columns.map(\.kind), separator: input.separator)
        let parameters = input.parametersJSON
        let formatName = format.rawValue
        let database = self.database
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        headers[.contentDisposition] = "attachment; filename=\"\(report.name).\(format.rawValue)\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let stream = CSVStream(writer: writer)
            @Sendable func record(_ connection: PostgresConnection, completed: Bool) async throws {
                _ = try await connection.query("""
                    select crm_api.record_report_export(\(report.name), \(parameters)::jsonb, \(Int64(stream.rows)), \(completed), \
                    \(formatName))
                    """)
            }
            do {
                try await database.withRequest(token: token, clientIP: clientIP) { connection, _ in
                    _ = try await connection.query(report.cursorQuery(input.values, cursor: "report_rows"))
                    await stream.write(ByteBuffer(bytes: file.begin(sheet: report.title.components(separatedBy: " / ")[0])))
                    while !stream.broken {
                        let batch = try await connection.query(PostgresQuery(unsafeSQL: "fetch \(Self.batchSize) from report_rows"))
                        if batch.isEmpty { break }
                        let rows = batch.map { row in (0..<report.columns.count).map { row[$0] } }
                        await stream.write(ByteBuffer(bytes: file.rows(rows)), rows: batch.count)
                    }
                    if !stream.broken { await stream.write(ByteBuffer(bytes: file.finish())) }
                    try await record(connection, completed: !stream.broken)
                }
            } catch {
                // The database failed mid-stream: record what was sent, in a transaction of its own.
                _ = try? await database.withRequest(token: token, clientIP: clientIP) { connection, _ in
                    try await record(connection, completed: false)
                }
                throw error
            }
            if let failure = stream.failure { throw failure }
            try await stream.writer.finish(nil)
        })
    }
}

/// The response writer while the CSV streams from inside the database transaction's closure.
/// Used by one task at a time (the stream's), hence `@unchecked Sendable`.
final class CSVStream: @unchecked Sendable {
    var writer: any ResponseBodyWriter
    private(set) var rows = 0
    private(set) var failure: (any Error)?
    var broken: Bool { failure != nil }

    init(writer: any ResponseBodyWriter) {
        self.writer = writer
    }

    /// Writes; a failure (the client went away) is kept and ends the stream.
    func write(_ buffer: ByteBuffer, rows: Int = 0) async {
        guard failure == nil else { return }
        do {
            try await writer.write(buffer)
            self.rows += rows
        } catch {
            failure = error
        }
    }
}

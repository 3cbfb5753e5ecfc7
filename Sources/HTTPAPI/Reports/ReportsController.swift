import AccessControl
import Foundation
import Hummingbird
import PostgresClient

/// `GET /api/v1/reports`: the reports and their parameters. `GET /api/v1/reports/{name}`: one
/// report as JSON (`{"report", "parameters", "columns", "rows", "next_cursor"}`, exact decimals as
/// strings; `page_size` rows a page, default 1000, the next page by `cursor`),
/// or as a CSV (`Accept: text/csv` or `?format=csv`; `separator=semicolon` for a Russian Excel)
/// or .xlsx (`?format=xlsx`) download, streamed from a cursor. Rows are what the caller may see: the report functions run under
/// the caller's row rules. A download needs the `export` action on reports and is audited
/// by the database (`crm_api.record_report_export`). (`/api/v1/reports/funnel` stays with
/// `FunnelController`.)
struct ReportsController: Sendable {

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.get("/api/v1/reports") { request, context in
            // The catalog is static; the request still checks the session like every other.
            try await context.scope.check()
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
                "parameters": .array(
                    report.parameters.map { parameter in
                        .object([
                            "name": .string(parameter.name), "type": .string(parameter.typeName),
                            "summary": .string(parameter.summary),
                        ])
                    }),
                "columns": .array(report.columns.map { .object(["name": .string($0.name), "type": .string($0.kind.rawValue)]) }),
            ])
        }
        return JSONValue.object(["reports": .array(reports)]).jsonText
    }

    func report(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let scope = try context.scope
        guard let name = context.parameters.get("name"), let report = ReportCatalog.named(name) else {
            throw APIError.notFound("no such report; GET /api/v1/reports lists them")
        }
        let input = try ReportRequest(request, report)
        if let format = input.download {
            return try await download(report, input, format, scope: scope)
        }
        let (json, more) = try await scope.transaction { connection, _ in
            try await connection.query(report.jsonQuery(input.values, page: input.page))[0].decode((String, Bool).self)
        }
        let columns = report.columns.map { "{\"name\":\"\($0.name)\",\"type\":\"\($0.kind.rawValue)\"}" }.joined(separator: ",")
        let next = more ? "\"\(input.page.nextCursor(report: report.name))\"" : "null"
        let head = "{\"report\":\"\(report.name)\",\"columns\":[\(columns)],\"next_cursor\":\(next),"
        return JSONResponse.raw(head + json.dropFirst())
    }

    /// Checks the export right first (a 403 before any byte), then streams the rows in one
    /// transaction and records the export, with the row count, at its end.
    private func download(
        _ report: ReportDefinition, _ input: ReportRequest, _ format: ExportFormat, scope: RequestScope
    ) async throws -> Response {
        try await scope.transaction { connection, _ in
            _ = try await connection.query("select crm_api.check_report_export()")
        }
        let file = ExportFile(
            format: format, header: report.columns.map(\.name), kinds: report.columns.map(\.kind), separator: input.separator)
        let parameters = input.parametersJSON
        let formatName = format.rawValue
        return ExportDownload(scope: scope).response(
            filename: report.name, format: format, file: file, sheet: report.title.components(separatedBy: " / ")[0],
            columns: report.columns.count, declare: report.cursorQuery(input.values, cursor: "export_rows")
        ) { connection, rows, completed in
            _ = try await connection.query(
                "select crm_api.record_report_export(\(report.name), \(parameters)::jsonb, \(rows), \(completed), \(formatName))")
        }
    }
}

import AccessControl
import Foundation
import Hummingbird
import PostgresClient

/// `GET /api/v1/<list>/export?format=csv|xlsx` with the list's own filters, search and sort (and
/// `saved_filter`): every matching row the caller may read, streamed from a cursor — CSV as the
/// reports write it (UTF-8 with BOM, `separator=semicolon` for a Russian Excel) or an .xlsx
/// workbook. The header names the columns by their labels in the caller's language
/// (`header=keys`: the JSON keys). Needs the `export` action on the list's entity from an allowed
/// network (403 before any byte); the database audits each download with its filters and rows.
struct ListExportController: Sendable {
    let resource: Resource

    /// Parameters of the export itself; the rest are the list's.
    static let own: Set<String> = ["format", "separator", "header"]
    /// The list's paging parameters, which an export (every matching row) has no use for.
    static let paging: Set<String> = ["limit", "cursor", "count"]

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.get(RouterPath("/api/v1/\(resource.path)/export")) { request, context in try await self.export(request, context) }
    }

    func export(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let scope = try context.scope
        let all = request.uri.queryParameters.map { (key: String($0.key), value: String($0.value)) }
        var problems: [APIError.FieldError] = []
        var format = ExportFormat.csv
        var separator = CSVEncoder.Separator.comma
        var keysHeader = false
        for (key, value) in all {
            switch key {
            case "format":
                if let chosen = ExportFormat(rawValue: value) {
                    format = chosen
                } else {
                    problems.append(.init(field: key, message: "must be csv or xlsx"))
                }
            case "separator":
                if let chosen = CSVEncoder.Separator(rawValue: value) {
                    separator = chosen
                } else {
                    problems.append(.init(field: key, message: "must be comma or semicolon"))
                }
            case "header":
                if value == "keys" || value == "labels" {
                    keysHeader = value == "keys"
                } else {
                    problems.append(.init(field: key, message: "must be labels or keys"))
                }
            case _ where Self.paging.contains(key):
                problems.append(.init(field: key, message: "an export has every matching row: no paging"))
            default: break
            }
        }
        if !problems.isEmpty { throw APIError.validation(problems) }
        let listParameters = all.filter { !Self.own.contains($0.key) }
        let savedFilter = try SavedFilters.requestedID(listParameters)
        let resource = self.resource
        // The gate and the filters first: a refusal or a wrong filter is an ordinary error answer.
        let (parameters, locale) = try await scope.transaction {
            connection, identity -> ([(key: String, value: String)], String?) in
            _ = try await connection.query("select crm_api.check_list_export(\(resource.table)::regclass)")
            let parameters = try await SavedFilters.resolve(savedFilter, resource: resource, under: listParameters, on: connection)
            let query = ResourceListQuery(resource: resource, parameters: parameters)
            if !query.problems.isEmpty { throw APIError.validation(query.problems) }
            let locale = try await connection.query("select locale from crm.users where id = \(identity.userID)").first?[0]
            return (parameters, locale ?? nil)
        }
        let language = MessageLanguage(acceptLanguage: request.headers[.acceptLanguage]) ?? MessageLanguage(locale: locale)
        let header = resource.fields.map { keysHeader ? $0.name : FieldLabels.label(of: $0.name, in: language) }
        let kinds = resource.fields.map { ReportColumn.Kind($0.type) }
        let filters = JSONValue.object(Dictionary(parameters.map { ($0.key, JSONValue.string($0.value)) }, uniquingKeysWith: { $1 }))
            .jsonText
        let file = ExportFile(format: format, header: header, kinds: kinds, separator: separator)
        let formatName = format.rawValue
        let query = ResourceListQuery(resource: resource, parameters: parameters).exportQuery(cursor: "export_rows")
        return ExportDownload(scope: scope).response(
            filename: resource.path, format: format, file: file, sheet: FieldLabels.sheetTitle(of: resource, in: language),
            columns: kinds.count, declare: query.builder.query(query.sql)
        ) { connection, rows, completed in
            _ = try await connection.query(
                """
                select crm_api.record_list_export(\(resource.table)::regclass, \(formatName), \(filters)::jsonb, \(rows), \(completed))
                """)
        }
    }
}

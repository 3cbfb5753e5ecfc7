import Hummingbird

/// The validated query of one report request: the report's parameters (as text, cast by
/// PostgreSQL), the format (JSON, or a CSV or .xlsx download) and the CSV separator. Every wrong or unknown parameter is named in
/// one 422.
struct ReportRequest: Sendable {
    let values: [String: String]
    /// A file to download; nil: the JSON answer.
    let download: ExportFormat?
    let separator: CSVEncoder.Separator
    /// The rows of a JSON answer (downloads stream every row).
    let page: ReportPage

    init(_ request: Request, _ report: ReportDefinition) throws {
        var problems: [APIError.FieldError] = []
        var values: [String: String] = [:]
        let known = Set(report.parameters.map(\.name) + ["format", "separator", "page_size", "cursor"])
        for (key, _) in request.uri.queryParameters where !known.contains(String(key)) {
            problems.append(.init(field: String(key), message: "unknown parameter of report \(report.name)"))
        }
        for parameter in report.parameters {
            guard let text = request.uri.queryParameters.get(parameter.name) else { continue }
            if let problem = parameter.problem(text) {
                problems.append(.init(field: parameter.name, message: problem))
            } else {
                values[parameter.name] = text
            }
        }
        if let from = values["from"], let to = values["to"], to < from {
            problems.append(.init(field: "to", message: "must not be before from (\(from))"))
        }
        let format = request.uri.queryParameters.get("format")
        if let format, format != "json", ExportFormat(rawValue: format) == nil {
            problems.append(.init(field: "format", message: "must be json, csv or xlsx"))
        }
        let separatorText = request.uri.queryParameters.get("separator")
        let separator = separatorText.map { CSVEncoder.Separator(rawValue: $0) } ?? .comma
        if separator == nil {
            problems.append(.init(field: "separator", message: "must be comma or semicolon"))
        }
        var size = ReportPage.defaultSize
        if let text = request.uri.queryParameters.get("page_size") {
            if let value = Int(text), ReportPage.sizes.contains(value) {
                size = value
            } else {
                problems.append(.init(field: "page_size", message: "must be an integer from 1 to 10000"))
            }
        }
        var page = ReportPage(size: size)
        if let cursor = request.uri.queryParameters.get("cursor") {
            if let read = ReportPage(cursor: String(cursor), report: report.name, size: size) {
                page = read
            } else {
                problems.append(.init(field: "cursor", message: "is not a next_cursor of this report"))
            }
        }
        if !problems.isEmpty {
            var seen = Set<String>()
            throw APIError.validation(problems.filter { seen.insert($0.field).inserted })
        }
        let accept = request.headers[.accept] ?? ""
        self.values = values
        if let format {
            self.download = ExportFormat(rawValue: format)
        } else if accept.contains("text/csv") {
            self.download = .csv
        } else if accept.contains(ExportFormat.xlsx.contentType) {
            self.download = .xlsx
        } else {
            self.download = nil
        }
        self.separator = separator ?? .comma
        self.page = page
    }

    /// The parameters as given, for the audit entry of an export.
    var parametersJSON: String {
        JSONValue.object(values.mapValues { .string($0) }).jsonText
    }
}

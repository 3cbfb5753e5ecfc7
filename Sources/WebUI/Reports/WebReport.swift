/// A report on the reports page: its address, title and how it renders (parameters, a table
/// and a chart). Add a report by writing one type and listing it in `WebReports.all`.
protocol WebReport: Sendable {
    /// The path segment: `/reports/<slug>`.
    var slug: String { get }
    var title: TextKey { get }
    var summary: TextKey { get }
    func render(_ page: PageContext) async throws -> HTML
    /// The report as CSV (after `crm_api.begin_export`, which refuses and audits), or nil.
    func csv(_ page: PageContext) async throws -> String?
}

extension WebReport {
    func csv(_ page: PageContext) async throws -> String? { nil }
}

/// CSV lines: fields quoted when needed, `;` separated (as Excel in a Russian locale reads them).
enum CSV {
    static func line(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ";") + "\r\n"
    }
}

/// The reports the page offers, in order.
enum WebReports {
    static let all: [any WebReport] = [FunnelReport()] + CatalogReport.pages
}

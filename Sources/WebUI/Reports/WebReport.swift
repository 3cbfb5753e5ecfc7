/// A report on the reports page: its address, title and how it renders (parameters, a table
/// and a chart). Add a report by writing one type and listing it in `WebReports.all`.
protocol WebReport: Sendable {
    /// The path segment: `/reports/<slug>`.
    var slug: String { get }
    var title: TextKey { get }
    var summary: TextKey { get }
    func render(_ page: PageContext) async throws -> HTML
}

/// The reports the page offers, in order.
enum WebReports {
    static let all: [any WebReport] = [FunnelReport()]
}

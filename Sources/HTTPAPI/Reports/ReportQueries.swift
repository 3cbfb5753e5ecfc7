import PostgresClient

/// The report layer for other front ends (the web pages): the same catalog, parameter checks
/// and SQL as `GET /api/v1/reports/{name}`, so a page shows exactly the rows the API answers
/// (the functions run under the caller's row rules on the caller's connection).
public enum ReportQueries {
    /// The column names of report `name`, in the catalog's order; nil for an unknown report.
    public static func columns(_ name: String) -> [String]? {
        ReportCatalog.named(name)?.columns.map(\.name)
    }

    /// The parameter names of report `name`.
    public static func parameters(_ name: String) -> [String] {
        ReportCatalog.named(name)?.parameters.map(\.name) ?? []
    }

    /// The given parameters the report knows and accepts (as the API validates them); the
    /// others are dropped, so their defaults apply.
    public static func valid(_ name: String, _ values: [String: String]) -> [String: String] {
        guard let report = ReportCatalog.named(name) else { return [:] }
        var accepted: [String: String] = [:]
        for parameter in report.parameters {
            if let text = values[parameter.name], parameter.problem(text) == nil { accepted[parameter.name] = text }
        }
        if let from = accepted["from"], let to = accepted["to"], to < from { accepted["to"] = nil }
        return accepted
    }

    /// One row: the parameters as resolved (defaults applied), as text in the catalog's order.
    public static func parametersQuery(_ name: String, _ values: [String: String]) -> PostgresQuery? {
        guard let report = ReportCatalog.named(name) else { return nil }
        let cte = report.parametersCTE(values)
        let list =
            report.parameters.isEmpty
            ? "1" : report.parameters.map { "p.\(PostgresQuery.quoteIdentifier($0.name))::text" }.joined(separator: ", ")
        return PostgresQuery(sql: cte.sql + "select \(list) from p", bindings: cte.bindings)
    }

    /// The report's rows in order, every column as text (decimals exact).
    public static func rowsQuery(_ name: String, _ values: [String: String]) -> PostgresQuery? {
        ReportCatalog.named(name)?.rowsQuery(values)
    }
}

extension ReportDefinition {
    /// `select <columns as text> from p, <call> with ordinality order by ordinality`.
    func rowsQuery(_ values: [String: String]) -> PostgresQuery {
        let cte = parametersCTE(values)
        let list = columns.map { "t.\(PostgresQuery.quoteIdentifier($0.name))::text" }.joined(separator: ", ")
        return PostgresQuery(
            sql: cte.sql + "select \(list) from p, \(call) with ordinality t order by t.ordinality", bindings: cte.bindings)
    }
}

import PostgresClient

/// Accumulates SQL text and its bound parameters (`$1`, `$2`, ... in order). Values are
/// always bound, never spliced; the text comes from resource descriptions (constants).
struct SQLBuilder {
    private(set) var bindings: [PostgresBinding] = []

    /// Binds `text` (cast by the SQL around it) and returns its placeholder.
    mutating func bind(_ text: String?) -> String {
        bindings.append(PostgresBinding(text: text, type: .text))
        return "$\(bindings.count)"
    }

    /// Binds a list as `text[]` and returns its placeholder.
    mutating func bind(list: [String]) -> String {
        bindings.append(PostgresBinding(list))
        return "$\(bindings.count)"
    }

    mutating func bind(_ value: Int64) -> String {
        bindings.append(PostgresBinding(value))
        return "$\(bindings.count)"
    }

    func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(sql: sql, bindings: bindings)
    }
}

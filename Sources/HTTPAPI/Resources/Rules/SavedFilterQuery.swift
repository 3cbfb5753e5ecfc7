import PostgresClient

/// A saved filter names a list resource and a query string that list accepts (`SavedFilters`).
struct SavedFilterQuery: ResourceRule {
    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        var path = write.values["resource"]?.stringValue
        if path == nil, let id = write.id {
            path = try await connection.query("select resource from crm.saved_filters where id = \(id)", prepared: true)
                .first?[0]
        }
        guard let path else { return RuleOutcome() }
        return RuleOutcome(problems: SavedFilters.problems(path: path, query: write.values["query"]?.stringValue))
    }
}

import PostgresClient

/// Checks in one statement that every reference in a write names a row the caller may see
/// (an invisible row gets the same answer as a missing one, so nothing leaks).
enum ReferenceCheck {
    static func problems(
        _ values: [String: JSONValue], of resource: Resource, on connection: PostgresConnection
    ) async throws
        -> [APIError.FieldError]
    {
        var sql = SQLBuilder()
        var checked: [String] = []
        var tests: [String] = []
        for name in values.keys.sorted() {
            guard let field = resource.field(name), case .reference(let table) = field.type,
                case .number(let id) = values[name]!
            else { continue }
            tests.append("exists (select 1 from \(table) where id = \(sql.bind(id))::bigint)")
            checked.append(name)
        }
        if tests.isEmpty { return [] }
        let row = try await connection.query(sql.query("select " + tests.joined(separator: ", ")), prepared: true)[0]
        var problems: [APIError.FieldError] = []
        for (index, name) in checked.enumerated() where try !row.decode(Bool.self, at: index) {
            problems.append(.init(field: name, message: "no such row (or not visible to you)"))
        }
        return problems
    }
}

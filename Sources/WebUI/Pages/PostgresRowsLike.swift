import PostgresClient

/// Rows of `(id, name)` for select options.
struct PostgresRowsLike: Sendable {
    let items: [(Int64, String)]

    init(_ rows: PostgresRows) {
        items = rows.compactMap { row in row[0].flatMap(Int64.init).map { ($0, row[1] ?? "") } }
    }
}

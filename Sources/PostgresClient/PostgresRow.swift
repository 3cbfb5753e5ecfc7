/// One result row, fully copied out of libpq.
public struct PostgresRow: Sendable {
    let storage: PostgresRows.Storage
    let offset: Int

    /// Column names, in order.
    public var columns: [String] { storage.columns }

    /// The raw text value of a column (nil = NULL), or nil if the index is out of range.
    public subscript(column: Int) -> String? {
        guard storage.columns.indices.contains(column) else { return nil }
        return storage.values[offset + column]
    }

    /// Decodes the value of the column at `column` (zero-based).
    public func decode<T: PostgresDecodable>(_: T.Type, at column: Int) throws -> T {
        guard storage.columns.indices.contains(column) else {
            throw PostgresDecodingError(
                columnName: "", columnIndex: column, swiftType: "\(T.self)",
                postgresType: .unknown, reason: "no such column")
        }
        let pgType = storage.types[column]
        do {
            if let text = storage.values[offset + column] {
                return try T(postgresText: text, type: pgType)
            }
            return try T.postgresNull()
        } catch let error as PostgresDecodingError {
            throw error
        } catch {
            let reason = (error as? PostgresDecodingFailure)?.reason ?? "\(type(of: error))"
            throw PostgresDecodingError(
                columnName: storage.columns[column], columnIndex: column,
                swiftType: "\(T.self)", postgresType: pgType, reason: reason)
        }
    }

    /// Decodes the value of the first column called `name`.
    public func decode<T: PostgresDecodable>(_: T.Type, named name: String) throws -> T {
        guard let index = storage.index(of: name) else {
            throw PostgresDecodingError(
                columnName: name, columnIndex: -1, swiftType: "\(T.self)",
                postgresType: .unknown, reason: "no such column")
        }
        return try decode(T.self, at: index)
    }

    /// Decodes the leading columns as a tuple: `try row.decode((UUID, String, Int?).self)`.
    public func decode<each T: PostgresDecodable>(_: (repeat each T).Type) throws -> (repeat each T) {
        var index = 0
        func next<U: PostgresDecodable>(_: U.Type) throws -> U {
            defer { index += 1 }
            return try decode(U.self, at: index)
        }
        return (repeat try next((each T).self))
    }
}

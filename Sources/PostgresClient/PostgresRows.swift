/// The result of a statement: column names, rows and the affected-row count.
public struct PostgresRows: RandomAccessCollection, Sendable {
    /// Column names, in order.
    public var columns: [String] { storage.columns }
    /// Column type OIDs, in order.
    public var columnTypes: [PostgresDataType] { storage.types }
    /// Rows affected (from the command tag: INSERT/UPDATE/DELETE/SELECT/COPY...; else 0).
    public let affectedRows: Int
    /// The command tag, e.g. `INSERT 0 1`.
    public let commandTag: String

    let storage: Storage
    private let rowCount: Int

    init(
        columns: [String], types: [PostgresDataType], values: [String?],
        rowCount: Int, affectedRows: Int, commandTag: String
    ) {
        self.storage = Storage(columns: columns, types: types, values: values)
        self.rowCount = rowCount
        self.affectedRows = affectedRows
        self.commandTag = commandTag
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }

    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < rowCount, "row index out of range")
        return PostgresRow(storage: storage, offset: position * storage.columns.count)
    }

    /// Immutable, shared cell storage (row-major).
    final class Storage: Sendable {
        let columns: [String]
        let types: [PostgresDataType]
        let values: [String?]
        private let indexByName: [String: Int]

        init(columns: [String], types: [PostgresDataType], values: [String?]) {
            self.columns = columns
            self.types = types
            self.values = values
            var map: [String: Int] = [:]
            for (i, name) in columns.enumerated() where map[name] == nil { map[name] = i }
            indexByName = map
        }

        func index(of name: String) -> Int? { indexByName[name] }
    }
}

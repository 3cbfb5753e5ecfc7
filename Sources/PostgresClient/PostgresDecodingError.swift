/// A column value could not be decoded into the requested Swift type.
/// The description names the column, the Swift type and the PostgreSQL type, never the value.
public struct PostgresDecodingError: Error, Sendable, CustomStringConvertible {
    /// The column name ("" when the column does not exist).
    public let columnName: String
    /// The zero-based column index (-1 when a named column does not exist).
    public let columnIndex: Int
    /// The Swift type that was requested.
    public let swiftType: String
    /// The column's PostgreSQL type.
    public let postgresType: PostgresDataType
    /// Why decoding failed (never contains the value).
    public let reason: String

    public init(
        columnName: String, columnIndex: Int, swiftType: String,
        postgresType: PostgresDataType, reason: String
    ) {
        self.columnName = columnName
        self.columnIndex = columnIndex
        self.swiftType = swiftType
        self.postgresType = postgresType
        self.reason = reason
    }

    public var description: String {
        "cannot decode column \"\(columnName)\" (index \(columnIndex)) of PostgreSQL type "
            + "\(postgresType) as \(swiftType): \(reason)"
    }
}

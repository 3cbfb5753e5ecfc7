/// One numbered SQL file, `NNN_name.sql`.
public struct Migration: Sendable, Equatable {
    /// The number the file starts with; migrations apply in this order.
    public let version: Int
    /// The rest of the file name, without the extension.
    public let name: String
    /// The file's text.
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The file name as it appears in `sql/`.
    public var fileName: String { String(format: "%03d_%@.sql", version, name) }
}

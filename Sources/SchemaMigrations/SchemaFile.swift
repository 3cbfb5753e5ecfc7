/// One repeatable file of `sql/schema/` (functions, views, triggers, policies, grants in their
/// current form), applied after the versioned migrations whenever any schema file changed.
public struct SchemaFile: Sendable, Equatable {
    /// The path below `sql/schema/`, as listed in `sql/schema/ORDER` (e.g. `security/auth_api.sql`).
    public let path: String
    /// The file's text.
    public let sql: String

    public init(path: String, sql: String) {
        self.path = path
        self.sql = sql
    }
}

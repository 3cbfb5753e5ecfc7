/// Why migrating stopped; each case reads as one line for the operator.
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    case directoryNotFound(searched: [String])
    case badFileName(String)
    case duplicateVersion(Int, [String])
    case unreadable(file: String, reason: String)
    /// An applied file no longer has the text it was applied with.
    case changedAfterApply(file: String, recorded: String, current: String)
    /// The database records a migration that has no file here (a newer server applied it).
    case unknownApplied(version: Int, name: String)
    /// A file failed; its transaction was rolled back.
    case failed(file: String, message: String)
    /// A `.sql` file directly in `sql/`, beside `legacy/` and `migrations/`.
    case strayMigration(String)
    /// `sql/schema/ORDER` and the files of `sql/schema/` disagree.
    case schemaOrder(String)
    /// A schema file failed; the whole schema pass was rolled back.
    case schemaFailed(file: String, message: String)

    public var description: String {
        switch self {
        case .directoryNotFound(let searched):
            return "migrations folder not found (looked in \(searched.joined(separator: ", "))); pass --sql-dir"
        case .badFileName(let name):
            return "migration file name '\(name)' does not match NNN_name.sql"
        case .duplicateVersion(let version, let files):
            return "migration number \(version) is used by more than one file: \(files.joined(separator: ", "))"
        case .unreadable(let file, let reason):
            return "cannot read migration \(file): \(reason)"
        case .changedAfterApply(let file, let recorded, let current):
            return "migration \(file) was changed after it was applied (checksum \(recorded.prefix(12)) in the database, "
                + "\(current.prefix(12)) on disk); restore the file and add a new migration instead"
        case .unknownApplied(let version, let name):
            return "the database has migration \(version) (\(name)) that this server does not know; it is newer than this server"
        case .failed(let file, let message):
            return "migration \(file) failed and was rolled back: \(message)"
        case .strayMigration(let name):
            return "sql/\(name) is beside sql/legacy and sql/migrations: a new migration goes into sql/migrations/, "
                + "a function, view, trigger or policy into sql/schema/ (see sql/README.md)"
        case .schemaOrder(let problem):
            return "sql/schema/ORDER: \(problem)"
        case .schemaFailed(let file, let message):
            return "schema file \(file) failed; the schema pass was rolled back: \(message)"
        }
    }
}

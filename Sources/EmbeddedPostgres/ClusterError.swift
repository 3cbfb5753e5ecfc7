/// Failures of the managed PostgreSQL cluster, each with one clear line for the operator.
public enum ClusterError: Error, CustomStringConvertible, Sendable {
    /// The PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed.
    case binariesNotFound(searched: [String])
    /// The data folder cannot be created or written.
    case dataDirectoryUnusable(path: String, reason: String)
    /// An external command (initdb, pg_ctl, createdb, useradd) failed.
    case commandFailed(command: String, status: Int32, output: String)
    /// Running as root needs an unprivileged OS user for PostgreSQL, and none could be set up.
    case noUnprivilegedUser(reason: String)

    public var description: String {
        switch self {
        case .binariesNotFound(let searched):
            return "PostgreSQL server binaries not found (looked in \(searched.joined(separator: ", "))); "
                + "install the Debian package 'postgresql' or pass --database-url"
        case .dataDirectoryUnusable(let path, let reason):
            return "data folder \(path) is not usable: \(reason)"
        case .commandFailed(let command, let status, let output):
            let tail = output.split(separator: "\n").suffix(3).joined(separator: " | ")
            return "\(command) failed with exit status \(status)\(tail.isEmpty ? "" : ": \(tail)")"
        case .noUnprivilegedUser(let reason):
            return "cannot run PostgreSQL as root and no unprivileged user is available: \(reason)"
        }
    }
}

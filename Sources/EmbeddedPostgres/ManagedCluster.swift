import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private PostgreSQL cluster under a data folder, reachable only through a Unix socket.
///
/// Layout under `baseDirectory` (default `./.crm`): `pgdata/` (the cluster), `run/` (the
/// socket), `postgresql.log`. Created once by `initdb`; started and stopped with `pg_ctl`.
/// Every method blocks: call them from a thread of their own, never from an event loop.
public final class ManagedCluster: Sendable {
    /// Whether the cluster is initialised and running.
    public enum Status: Sendable, Equatable {
        case notInitialized
        case stopped
        case running(pid: Int32)
    }

    public let baseDirectory: String
    public let dataDirectory: String
    public let socketDirectory: String
    public let logFile: String
    /// The database the server uses inside the cluster.
    public let databaseName: String
    /// The superuser created by initdb.
    public let superuser = "crm"
    /// Extra `postgresql.conf` settings passed at start (e.g. `max_connections`).
    public let settings: [String: String]
    /// The port (also the socket's name, `.s.PGSQL.<port>`).
    public let port: Int
    /// A TCP address to listen on as well, for BI tools (password logins only); none by default.
    public let listenAddress: String?
    /// The server's own logins, trusted over the private socket (0700) and refused over TCP.
    public static let serverLogins = ["crm_authenticator"]

    let installation: PostgresInstallation
    let owner: ClusterOwner
    let logger: Logger

    public init(
        baseDirectory: String,
        databaseName: String = "crm",
        settings: [String: String] = [:],
        binDirectory: String? = nil,
        port: Int = 5432,
        listenAddress: String? = nil,
        logger: Logger = Logger(label: "crm.cluster")
    ) throws {
        self.port = port
        self.listenAddress = listenAddress
        let base = URL(fileURLWithPath: baseDirectory).standardizedFileURL.path
        self.baseDirectory = base
        self.dataDirectory = base + "/pgdata"
        self.logFile = base + "/postgresql.log"
        self.databaseName = databaseName
        self.settings = settings
        self.logger = logger
        self.installation = try PostgresInstallation.locate(explicit: binDirectory)
        self.owner = try ClusterOwner.resolve()
        self.socketDirectory = Self.socketDirectory(for: base)
    }

    /// The folder of the PostgreSQL binaries used (initdb, pg_ctl, pgbench...).
    public var binDirectory: String { installation.binDirectory }

    /// The libpq connection string for the server database.
    public var conninfo: String { conninfo(database: databaseName) }

    /// The libpq connection string for another database of this cluster.
    public func conninfo(database: String) -> String {
        "host=\(socketDirectory) port=\(port) user=\(superuser) dbname=\(database)"
    }

    /// Reads the cluster's state with `pg_ctl status`.
    public func status() throws -> Status {
        guard FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") else { return .notInitialized }
        let result = try CommandRunner.run(installation.pgCtl, ["status", "-D", dataDirectory], asUser: owner.userName, in: baseDirectory)
        if result.status == 0, let pid = Self.parsePID(result.output) { return .running(pid: pid) }
        return .stopped
    }

    /// Creates the cluster and its database on first use, then starts it unless it already runs.
    /// Returns `true` when this call started the server (so the caller should stop it later).
    @discardableResult
    public func start() throws -> Bool {
        try prepareFolders()
        if try status() == .notInitialized {
            try initialize()
        }
        if case .running = try status() {
            logger.info("PostgreSQL cluster already running", metadata: ["data": "\(dataDirectory)"])
            try createDatabaseIfNeeded(databaseName)
            return false
        }
        try writeAccessRules()
        var options = "-c listen_addresses='\(listenAddress ?? "")' -p \(port) -k \(socketDirectory) -c unix_socket_permissions=0700"
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) { options += " -c \(key)=\(value)" }
        try CommandRunner.check(
            installation.pgCtl,
            ["start", "-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-o", options],
            asUser: owner.userName, in: baseDirectory)
        logger.info("PostgreSQL cluster started", metadata: ["data": "\(dataDirectory)", "socket": "\(socketDirectory)"])
        try createDatabaseIfNeeded(databaseName)
        return true
    }

    /// Stops the cluster (fast mode: open sessions are ended, data is safe). A stopped cluster is left as is.
    public func stop() throws {
        guard case .running = try status() else { return }
        try CommandRunner.check(
            installation.pgCtl, ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60"], asUser: owner.userName, in: baseDirectory)
        logger.info("PostgreSQL cluster stopped", metadata: ["data": "\(dataDirectory)"])
    }

    /// Stops the cluster at once, without a checkpoint (tests, crash simulation).
    public func stopImmediately() throws {
        guard case .running = try status() else { return }
        try CommandRunner.check(
            installation.pgCtl, ["stop", "-D", dataDirectory, "-m", "immediate", "-w"], asUser: owner.userName, in: baseDirectory)
    }

    /// Creates `name` in the cluster unless it exists.
    public func createDatabaseIfNeeded(_ name: String) throws {
        let result = try CommandRunner.run(
            installation.createdb, ["-h", socketDirectory, "-p", String(port), "-U", superuser, name], asUser: owner.userName,
            in: baseDirectory)
        if result.status != 0 && !result.output.contains("already exists") {
            throw ClusterError.commandFailed(command: "createdb", status: result.status, output: result.output)
        }
    }

    /// Creates database `name` as a copy of database `template` (which nobody may be connected to).
    public func createDatabase(_ name: String, template: String) throws {
        let result = try CommandRunner.run(
            installation.createdb, ["-h", socketDirectory, "-p", String(port), "-U", superuser, "-T", template, name],
            asUser: owner.userName, in: baseDirectory)
        if result.status != 0 {
            throw ClusterError.commandFailed(command: "createdb", status: result.status, output: result.output)
        }
    }

    // MARK: - Private

    private func prepareFolders() throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: baseDirectory, withIntermediateDirectories: true)
        } catch {
            throw ClusterError.dataDirectoryUnusable(path: baseDirectory, reason: ClusterOwner.reason(error))
        }
        guard access(baseDirectory, W_OK) == 0 else {
            throw ClusterError.dataDirectoryUnusable(path: baseDirectory, reason: "not writable by this user")
        }
        try owner.prepareDirectory(baseDirectory)
        for folder in owner.ensureTraversable(baseDirectory) {
            logger.notice("made folder traversable for the PostgreSQL user", metadata: ["folder": "\(folder)"])
        }
        try owner.prepareDirectory(socketDirectory)
        if !fm.fileExists(atPath: logFile) {
            _ = fm.createFile(atPath: logFile, contents: nil)
        }
        if owner.userName != nil { chown(logFile, owner.uid, owner.gid) }
    }

    /// Writes `pg_hba.conf` at every start: over the private socket the superuser and the
    /// server's own logins are trusted (only this machine's server user reaches the 0700
    /// folder); every other role — a BI login — gives its password (scram-sha-256), so a wrong
    /// password never connects. Over TCP (when `listenAddress` is set) passwords always, and
    /// never the superuser or the server's logins.
    private func writeAccessRules() throws {
        let trusted = ([superuser] + Self.serverLogins).joined(separator: ",")
        let rules = """
            # Written by crm at every start of the private cluster; edits here are replaced.
            # TYPE  DATABASE  USER  ADDRESS  METHOD
            local   all       \(trusted)     trust
            local   all       all           scram-sha-256
            host    all       \(trusted)     all  reject
            host    all       all           all  scram-sha-256

            """
        let path = dataDirectory + "/pg_hba.conf"
        guard FileManager.default.createFile(atPath: path, contents: Data(rules.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ClusterError.dataDirectoryUnusable(path: dataDirectory, reason: "cannot write pg_hba.conf")
        }
        if owner.userName != nil { chown(path, owner.uid, owner.gid) }
    }

    private func initialize() throws {
        logger.info("creating PostgreSQL cluster", metadata: ["data": "\(dataDirectory)"])
        try CommandRunner.check(
            installation.initdb,
            [
                "-D", dataDirectory, "-U", superuser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
                "--locale-provider=icu", "--icu-locale=ru-RU", "--no-instructions",
            ],
            asUser: owner.userName, in: baseDirectory)
    }

    /// The socket folder: `<base>/run` when its socket path fits the 107-byte limit, else a
    /// folder under /tmp named after the base path.
    static func socketDirectory(for base: String) -> String {
        let preferred = base + "/run"
        if (preferred + "/.s.PGSQL.65535").utf8.count < 100 { return preferred }
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in base.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return "/tmp/crm-pg-" + String(hash, radix: 16)
    }

    static func parsePID(_ output: String) -> Int32? {
        guard let range = output.range(of: "PID: ") else { return nil }
        let digits = output[range.upperBound...].prefix { $0.isNumber }
        return Int32(digits)
    }
}

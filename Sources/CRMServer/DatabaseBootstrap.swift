import CRMDomain
import EmbeddedPostgres
import Logging
import NIOPosix
import PostgresClient
import SchemaMigrations

/// Decides which database the server uses and prepares it: the configured URL, or the private
/// cluster under the data folder (created and started on demand); then applies migrations.
public struct DatabaseBootstrap: Sendable {
    /// The database to connect to, and the cluster this process started (to stop at exit).
    public struct Prepared: Sendable {
        public var conninfo: String
        public var startedCluster: ManagedCluster?
    }

    let configuration: ServerConfiguration
    let logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Resolves the database, starting the private cluster when no URL is configured.
    public func prepare() async throws -> Prepared {
        if let url = configuration.databaseURL {
            return Prepared(conninfo: url, startedCluster: nil)
        }
        let cluster = try makeCluster()
        let started = try await BlockingWork.run { try cluster.start() }
        return Prepared(conninfo: cluster.conninfo, startedCluster: started ? cluster : nil)
    }

    /// The private cluster under the data folder.
    public func makeCluster() throws -> ManagedCluster {
        try ManagedCluster(
            baseDirectory: configuration.dataDirectory, binDirectory: configuration.postgresBinDirectory,
            port: configuration.databasePort, listenAddress: configuration.biHost, logger: logger)
    }

    /// Applies the migrations found in the configured (or discovered) `sql` folder, then its
    /// schema files (`sql/schema`) when they changed.
    public func migrate(conninfo: String, threadPool: NIOThreadPool) async throws -> MigrationRunner.Report {
        let directory = try MigrationSource.locateDirectory(explicit: configuration.sqlDirectory)
        let migrations = try MigrationSource.load(directory: directory)
        let schema = try MigrationSource.loadSchema(directory: directory)
        let report = try await OwnerConnection.run(conninfo, threadPool: threadPool, logger: logger) { connection in
            try await MigrationRunner(logger: logger).migrate(migrations, schema: schema, on: connection)
        }
        logger.info(
            "schema ready",
            metadata: ["version": "\(report.schemaVersion.map(String.init) ?? "none")", "applied": "\(report.applied.count)"])
        return report
    }

    /// Refuses to serve when the database's own security check finds a problem (a business table
    /// without forced row-level security, a view without `security_invoker`, a server login role
    /// with table rights...). Returns the problems; throws `SecurityCheckFailed` when there are any.
    @discardableResult
    public func checkSecurity(conninfo: String, threadPool: NIOThreadPool) async throws -> [String] {
        let problems = try await OwnerConnection.run(conninfo, threadPool: threadPool, logger: logger) { connection in
            try await connection.query("select problem from crm_api.security_self_check()").map { try $0.decode(String.self, at: 0) }
        }
        guard problems.isEmpty else { throw SecurityCheckFailed(problems: problems) }
        return problems
    }

    /// Stops a cluster this process started, logging (not throwing) a failure.
    public static func stop(_ cluster: ManagedCluster?, logger: Logger) async {
        guard let cluster else { return }
        do {
            try await BlockingWork.run { try cluster.stop() }
        } catch {
            logger.error("could not stop the PostgreSQL cluster", metadata: ["error": "\(error)"])
        }
    }
}

/// The database failed its security self-check; the server does not start.
public struct SecurityCheckFailed: Error, CustomStringConvertible {
    public let problems: [String]

    public var description: String {
        "the database failed its security self-check (\(problems.count) problem(s)): " + problems.prefix(3).joined(separator: "; ")
    }
}

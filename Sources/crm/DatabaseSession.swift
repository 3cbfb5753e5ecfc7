import CRMServer
import Logging
import NIOPosix
import PostgresClient

/// What a one-shot command (`migrate`, `audit verify`) needs: the configuration, a logger, and
/// the database — the configured URL, or the private cluster, started for the command and
/// stopped after it when this process started it.
struct DatabaseSession {
    let configuration: ServerConfiguration
    let bootstrap: DatabaseBootstrap
    let conninfo: String
    let threads: NIOThreadPool
    let logger: Logger

    /// Runs `body` with the database ready; any failure becomes one clear line and exit 1.
    static func run<T>(_ options: ConfigurationOptions, _ body: (DatabaseSession) async throws -> T) async throws -> T {
        let configuration = try options.loadOrExit()
        let logger = LogSetup.bootstrap(level: configuration.logLevel)
        let bootstrap = DatabaseBootstrap(configuration: configuration, logger: logger)
        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        var prepared: DatabaseBootstrap.Prepared?
        defer { threads.shutdownGracefully { _ in } }
        do {
            let ready = try await bootstrap.prepare()
            prepared = ready
            let session = DatabaseSession(
                configuration: configuration, bootstrap: bootstrap, conninfo: ready.conninfo, threads: threads, logger: logger)
            let result = try await body(session)
            await DatabaseBootstrap.stop(ready.startedCluster, logger: logger)
            return result
        } catch {
            await DatabaseBootstrap.stop(prepared?.startedCluster, logger: logger)
            throw Failure.exit("\(error)")
        }
    }
}

extension ConfigurationOptions {
    /// The merged configuration, or one clear line and exit 1.
    func loadOrExit() throws -> ServerConfiguration {
        do {
            return try load()
        } catch {
            throw Failure.exit("\(error)")
        }
    }
}

import AdminConsole
import HTTPAPI
import Hummingbird
import Logging
import NIOCore
import PostgresClient
import ServiceLifecycle
import UnixSignals

/// The server process's services: the database pool, the admin console and HTTP, run in one
/// `ServiceGroup`. They start in that order and stop in reverse: HTTP finishes its in-flight
/// requests, the console closes its clients, then the pool closes.
public final class ServerApplication: Sendable {
    public let configuration: ServerConfiguration
    public let pool: PostgresPool
    /// Where HTTP listens, once bound.
    public let httpAddress = ListeningAddress()
    /// Where the admin console listens, once bound.
    public let consoleAddress = ListeningAddress()

    let console: AdminConsoleServer
    let logger: Logger

    public init(configuration: ServerConfiguration, conninfo: String, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.pool = PostgresPool(
            configuration: .init(
                conninfo: conninfo, size: configuration.poolSize, acquireTimeout: configuration.poolAcquireTimeout),
            logger: logger)
        self.console = AdminConsoleServer(
            configuration: ConsoleConfiguration(host: configuration.consoleHost, port: configuration.consolePort),
            commands: ConsoleCommands.make(), logger: logger)
    }

    /// Runs until SIGTERM/SIGINT (or `signals` is empty and the group is shut down by its owner).
    public func run(gracefulShutdownSignals signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let group = makeServiceGroup(gracefulShutdownSignals: signals)
        try await group.run()
    }

    /// The group of services; run it and call `triggerGracefulShutdown()` to stop.
    public func makeServiceGroup(gracefulShutdownSignals signals: [UnixSignal] = []) -> ServiceGroup {
        let http = makeHTTPApplication()
        let consoleAddress = self.consoleAddress
        let console = self.console
        let consoleWatcher = ListeningWatcher {
            do {
                let address = try await console.waitUntilListening()
                consoleAddress.resolve(.success(.init(host: address.ipAddress ?? "local", port: address.port ?? 0)))
            } catch {
                consoleAddress.resolve(.failure(error))
            }
        }
        return ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: pool),
                    .init(service: console),
                    .init(service: consoleWatcher, successTerminationBehavior: .ignore),
                    .init(service: http),
                ],
                gracefulShutdownSignals: signals,
                logger: logger))
    }

    private func makeHTTPApplication() -> some Service {
        let router = APIRouter.build(
            health: HealthController(checker: DatabaseHealthChecker(pool: pool), version: BuildInfo.version))
        let httpAddress = self.httpAddress
        let logger = self.logger
        let host = configuration.httpHost
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: configuration.httpPort), serverName: "crm"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                httpAddress.resolve(.success(.init(host: host, port: port)))
                logger.info("HTTP listening", metadata: ["address": "\(host):\(port)"])
            },
            logger: logger)
    }
}

/// A one-shot task run alongside the services (reports the console's bound address).
struct ListeningWatcher: Service {
    let body: @Sendable () async -> Void

    init(_ body: @escaping @Sendable () async -> Void) {
        self.body = body
    }

    func run() async throws {
        await body()
    }
}

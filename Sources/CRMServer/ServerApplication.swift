import AccessControl
import AdminConsole
import CRMDomain
import Credentials
import Documents
import HTTPAPI
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import PostgresClient
import ServiceLifecycle
import UnixSignals
import WebUI

/// The server process's services: the database pool, the audit sealer, the timer service, the
/// notification listener, the inbound retry service, the webhook dispatcher, the mail sender (when
/// SMTP is configured), the admin console
/// (TCP, and a local Unix socket when configured) and HTTP, run in one `ServiceGroup`. They start
/// in that order and stop in reverse: HTTP finishes its in-flight requests (event streams end),
/// the consoles close their clients, the dispatcher and retry service finish their round, the
/// listener stops, the timer service finishes its call, the sealer seals once more, then the
/// pool closes.
public final class ServerApplication: Sendable {
    public let configuration: ServerConfiguration
    public let pool: PostgresPool
    /// Where HTTP listens, once bound.
    public let httpAddress = ListeningAddress()
    /// Where the admin console listens, once bound.
    public let consoleAddress = ListeningAddress()

    /// Logs users in and out.
    public let authenticator: Authenticator
    /// Runs work as a CRM user under the database's rules.
    public let database: UserDatabase

    /// The event streams connected to this process, woken by the notification listener.
    public let notificationHub = NotificationHub()

    let console: AdminConsoleServer
    /// The console on a local Unix socket, when configured.
    let localConsole: AdminConsoleServer?
    let hashingThreads: NIOThreadPool
    let logger: Logger
    /// Turns stored inbound events (leads, calls) into CRM rows; used by HTTP and the retry service.
    let inbound: InboundProcessor

    /// `conninfo` is the configured (owner) database; the pool logs in as `crm_authenticator`.
    public init(configuration: ServerConfiguration, conninfo: String, logger: Logger) {
        _ = ProcessMetrics.registry  // the metrics backend, before anything makes a metric
        self.configuration = configuration
        self.logger = logger
        self.pool = PostgresPool(
            configuration: .init(
                conninfo: AuthenticatorConninfo.make(from: conninfo), size: configuration.poolSize,
                acquireTimeout: configuration.poolAcquireTimeout),
            logger: logger)
        self.hashingThreads = NIOThreadPool(numberOfThreads: max(2, System.coreCount))
        hashingThreads.start()
        let authenticator = Authenticator(
            pool: pool, hasher: PasswordHasher(iterations: configuration.passwordIterations), hashingThreads: hashingThreads,
            logger: logger)
        let database = UserDatabase(pool: pool)
        self.authenticator = authenticator
        self.database = database
        self.inbound = InboundProcessor(pool: pool, logger: logger)
        let commands = ConsoleCommands.make(
            authenticator: authenticator, database: database,
            installDemo: { [authenticator, pool] in
                try await DemoCompany(authenticator: authenticator, logger: logger)
                    .install(ownerConninfo: conninfo, password: nil, threadPool: pool.threadPool).map { ($0.login, $0.password) }
            },
            logger: logger)
        self.console = AdminConsoleServer(
            configuration: ConsoleConfiguration(host: configuration.consoleHost, port: configuration.consolePort),
            commands: commands, logger: logger)
        self.localConsole = configuration.consoleSocket.map {
            AdminConsoleServer(configuration: ConsoleConfiguration(unixSocketPath: $0), commands: commands, logger: logger)
        }
    }

    /// Runs until SIGTERM/SIGINT (or `signals` is empty and the group is shut down by its owner).
    public func run(gracefulShutdownSignals signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        try await run(makeServiceGroup(gracefulShutdownSignals: signals))
    }

    /// Runs `group` (made by `makeServiceGroup`). When it ends, whether it failed before a listener
    /// was bound or stopped afterwards, the listening addresses not yet known fail, so nobody
    /// waits for them forever.
    public func run(_ group: ServiceGroup) async throws {
        do {
            try await group.run()
        } catch {
            httpAddress.resolve(.failure(error))
            consoleAddress.resolve(.failure(error))
            throw error
        }
        httpAddress.resolve(.failure(ServicesStopped()))
        consoleAddress.resolve(.failure(ServicesStopped()))
    }

    /// Where the audit chain head is written outside the database.
    public var auditHeadFile: AuditHeadFile {
        AuditHeadFile(path: configuration.dataDirectory + "/audit-head.log")
    }

    /// Closes the pool and the hashing threads (after the services stopped).
    public func close() async {
        await pool.close()
        try? await hashingThreads.shutdownGracefully()
    }

    /// The group of services; run it and call `triggerGracefulShutdown()` to stop.
    public func makeServiceGroup(gracefulShutdownSignals signals: [UnixSignal] = []) -> ServiceGroup {
        let http = makeHTTPApplication()
        let consoleAddress = self.consoleAddress
        let console = self.console
        let auditSealer = AuditSealer(
            pool: pool, headFile: auditHeadFile, interval: .seconds(2), headInterval: configuration.auditHeadInterval, logger: logger)
        let consoleWatcher = ListeningWatcher {
            do {
                let address = try await console.waitUntilListening()
                consoleAddress.resolve(.success(.init(host: address.ipAddress ?? "local", port: address.port ?? 0)))
            } catch {
                consoleAddress.resolve(.failure(error))
            }
        }
        typealias Entry = ServiceGroupConfiguration.ServiceConfiguration
        var services: [Entry] = [
            .init(service: pool),
            .init(service: auditSealer),
            .init(service: TimerService(pool: pool, interval: configuration.timerInterval, logger: logger)),
            .init(service: NotificationListener(pool: pool, hub: notificationHub, logger: logger)),
            .init(service: InboundRetryService(processor: inbound, interval: configuration.inboundRetryInterval, logger: logger)),
            .init(
                service: WebhookDispatcher(
                    pool: pool, settings: configuration.webhooks, userAgent: "crm/\(BuildInfo.version)", logger: logger)),
        ]
        if let mail = configuration.mail {
            services.append(Entry(service: MailSender(pool: pool, settings: mail, logger: logger)))
        }
        services.append(Entry(service: console))
        if let localConsole { services.append(Entry(service: localConsole)) }
        services.append(Entry(service: consoleWatcher, successTerminationBehavior: .ignore))
        services.append(Entry(service: http))
        var group = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: signals,
            logger: logger)
        // A service that does not end when asked (a stuck client, a LISTEN that never wakes)
        // must not hold the process: past this, the rest is cancelled and the pool still closes.
        group.maximumGracefulShutdownDuration = .seconds(30)
        group.maximumCancellationDuration = .seconds(10)
        return ServiceGroup(configuration: group)
    }

    /// The HTTP routes and middleware, as served (the contract test lists its routes): the API,
    /// and the staff web interface on the same sessions and database context.
    public func makeRouter() -> Router<CRMRequestContext> {
        let router = APIRouter.build(
            health: HealthController(checker: DatabaseHealthChecker(pool: pool), version: BuildInfo.version),
            auth: AuthController(authenticator: authenticator),
            database: database,
            clientAddresses: ClientAddressResolver(trustedProxies: configuration.trustedProxies.compactMap(IPNetwork.init)),
            files: FileStorage(folder: configuration.filesDirectory, maximumBytes: configuration.filesMaxBytes),
            notifications: notificationHub, eventHeartbeat: configuration.eventHeartbeat, inbound: inbound,
            converter: PDFConverter(executable: configuration.pdfConverter), mailFrom: configuration.mail?.from,
            exchangeFolder: configuration.dataDirectory + "/exchange", importFolder: configuration.dataDirectory + "/imports",
            middleware: [WebUI.sessionBridge], corsOrigins: configuration.corsOrigins)
        WebUI(database: database, authenticator: authenticator).register(on: router)
        MetricsController(pool: pool, hub: notificationHub, networks: configuration.metricsNetworks.compactMap(IPNetwork.init))
            .register(on: router)
        return router
    }

    private func makeHTTPApplication() -> some Service {
        let router = makeRouter()
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

/// The services stopped before a listener was bound.
public struct ServicesStopped: Error, CustomStringConvertible {
    public var description: String { "the server stopped before it was listening" }
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

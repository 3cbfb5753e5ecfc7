import CRMServer
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import TestSupport

/// A server running in the test process on free ports, on a fresh test database.
struct RunningServer {
    let application: ServerApplication
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let httpPort: Int
    let consolePort: Int
    /// The owner (migration) connection string of the server's database.
    let ownerConninfo: String
    /// The HTTP listener's host (`127.0.0.1`, or `::1` when asked).
    let httpHost: String

    /// The password of every demo user when started with `demo: true`.
    static let demoPassword = "demo-password-1"

    static var sqlDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql").standardized.path
    }

    /// Starts a server; with `migrate` the project's migrations are applied first. With `demo`
    /// (or an explicit `demoPassword`) the demo company is installed and every demo user gets that
    /// password, hashed with `passwordIterations` (cheap, for speed); `demoData` also installs the
    /// living demo data (sql/160) as `crm serve --demo` does — off by default, since the access
    /// matrix tests enumerate the demo company's few rows. `trustedProxies` and `httpHost` go to
    /// the configuration as in `crm.conf`.
    static func start(
        conninfo: String? = nil, migrate: Bool = true, poolSize: Int = 4, demo: Bool = false, demoPassword: String? = nil,
        demoData: Bool = false,
        passwordIterations: Int = 1000, trustedProxies: [String] = [], httpHost: String = "127.0.0.1",
        consoleSocket: String? = nil, poolAcquireTimeout: Duration = .seconds(10), filesDirectory: String? = nil,
        filesMaxBytes: Int = 25 << 20, pdfConverter: String? = nil, eventHeartbeat: Duration = .seconds(15), auditHeadInterval: Duration = .seconds(10),
        mail: MailSettings? = nil
    ) async throws -> RunningServer {
        var configuration = ServerConfiguration()
        configuration.mail = mail
        configuration.auditHeadInterval = auditHeadInterval
        configuration.eventHeartbeat = eventHeartbeat
        configuration.filesDirectory = filesDirectory
        configuration.filesMaxBytes = filesMaxBytes
        configuration.pdfConverter = pdfConverter
        configuration.consoleSocket = consoleSocket
        configuration.httpHost = httpHost
        configuration.trustedProxies = trustedProxies
        configuration.passwordIterations = passwordIterations
        configuration.httpPort = 0
        configuration.consolePort = 0
        configuration.poolSize = poolSize
        configuration.poolAcquireTimeout = poolAcquireTimeout
        configuration.sqlDirectory = sqlDirectory
        configuration.dataDirectory = FileManager.default.temporaryDirectory.path + "/crm-server-" + UUID().uuidString.prefix(8)
        var logger = Logger(label: "test.server")
        logger.logLevel = ProcessInfo.processInfo.environment["CRM_TEST_LOG"] == "debug" ? .debug : .warning
        let database: String
        if let conninfo {
            database = conninfo
        } else {
            database = try await TestPostgres.makeDatabase()
        }
        let application = ServerApplication(configuration: configuration, conninfo: database, logger: logger)
        if migrate {
            _ = try await DatabaseBootstrap(configuration: configuration, logger: logger)
                .migrate(conninfo: database, threadPool: application.pool.threadPool)
        }
        if let password = demoPassword ?? (demo ? Self.demoPassword : nil) {
            _ = try await DemoCompany(authenticator: application.authenticator, logger: logger, withData: demoData)
                .install(ownerConninfo: database, password: password, threadPool: application.pool.threadPool)
        }
        let group = application.makeServiceGroup()
        let task = Task { try await group.run() }
        let http = try await application.httpAddress.wait()
        let console = try await application.consoleAddress.wait()
        return RunningServer(
            application: application, group: group, task: task, httpPort: http.port, consolePort: console.port,
            ownerConninfo: database, httpHost: httpHost)
    }

    /// Triggers graceful shutdown and waits for every service to stop.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
        await application.close()
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        try await request("GET", path, headers: headers)
    }

    /// One HTTP exchange on a connection of its own.
    func request(_ method: String, _ path: String, headers: [String: String] = [:], body: String? = nil) async throws
        -> HTTPTestResponse
    {
        let (host, port) = (httpHost, httpPort)
        return try await TestPostgres.runBlocking {
            try HTTPTestResponse.fetch(host: host, port: port, method: method, path: path, headers: headers, body: body)
        }
    }

    func post(_ path: String, body: String, headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        try await request("POST", path, headers: headers, body: body)
    }

    func console() throws -> SocketClient {
        try SocketClient(host: "127.0.0.1", port: consolePort, timeout: 60)
    }
}

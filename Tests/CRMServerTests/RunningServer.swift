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

    /// The password of every demo user when started with `demo: true`.
    static let demoPassword = "demo-password-1"

    static var sqlDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql").standardized.path
    }

    /// Starts a server; with `migrate` the project's migrations are applied first, with `demo` the
    /// demo company is installed (every user's password `demoPassword`). `passwordIterations`
    /// makes password hashing fast in tests that log in a lot.
    static func start(
        conninfo: String? = nil, migrate: Bool = true, poolSize: Int = 4, demo: Bool = false,
        passwordIterations: Int? = nil
    ) async throws -> RunningServer {
        var configuration = ServerConfiguration()
        configuration.httpPort = 0
        configuration.consolePort = 0
        configuration.poolSize = poolSize
        configuration.poolAcquireTimeout = .seconds(2)
        configuration.sqlDirectory = sqlDirectory
        configuration.dataDirectory = FileManager.default.temporaryDirectory.path + "/crm-server-" + UUID().uuidString.prefix(8)
        configuration.passwordIterations = passwordIterations ?? 1000
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
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
        if demo {
            _ = try await DemoCompany(authenticator: application.authenticator, logger: logger)
                .install(ownerConninfo: database, password: demoPassword, threadPool: application.pool.threadPool)
        }
        let group = application.makeServiceGroup()
        let task = Task { try await group.run() }
        let http = try await application.httpAddress.wait()
        let console = try await application.consoleAddress.wait()
        return RunningServer(
            application: application, group: group, task: task, httpPort: http.port, consolePort: console.port,
            ownerConninfo: database)
    }

    /// Triggers graceful shutdown and waits for every service to stop.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
        await application.close()
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        let port = httpPort
        return try await TestPostgres.runBlocking { try HTTPTestResponse.fetch(port: port, path: path, headers: headers) }
    }

    func post(_ path: String, body: String, headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        let port = httpPort
        return try await TestPostgres.runBlocking {
            try HTTPTestResponse.fetch(port: port, method: "POST", path: path, headers: headers, body: body)
        }
    }

    func console() throws -> SocketClient {
        try SocketClient(host: "127.0.0.1", port: consolePort)
    }
}

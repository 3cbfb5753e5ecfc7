import AccessControl
import CRMServer
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import TestSupport

/// A server running in the test process on free ports, on a fresh test database.
struct RunningServer: Sendable {
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
        filesMaxBytes: Int = 25 << 20, pdfConverter: String? = nil, eventHeartbeat: Duration = .seconds(15),
        auditHeadInterval: Duration = .seconds(10),
        mail: MailSettings? = nil, webhookAllowedNetworks: [String] = ["127.0.0.0/8", "::1"],
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> RunningServer {
        var configuration = ServerConfiguration()
        // The webhook receivers of the tests listen on loopback, which production refuses by default.
        configuration.webhooks.allowedNetworks = webhookAllowedNetworks.compactMap(IPNetwork.init)
        configure(&configuration)
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
        } else if migrate {
            database = try await slowStep("RunningServer.start: copy of the migrated template") {
                try await MigratedTemplate.shared.copy()
            }
        } else {
            database = try await TestPostgres.makeDatabase()
        }
        let application = ServerApplication(configuration: configuration, conninfo: database, logger: logger)
        if migrate {
            _ = try await slowStep("RunningServer.start: migrate") {
                try await DatabaseBootstrap(configuration: configuration, logger: logger)
                    .migrate(conninfo: database, threadPool: application.pool.threadPool)
            }
        }
        if let password = demoPassword ?? (demo ? Self.demoPassword : nil) {
            _ = try await slowStep("RunningServer.start: demo company") {
                try await DemoCompany(authenticator: application.authenticator, logger: logger, withData: demoData)
                    .install(ownerConninfo: database, password: password, threadPool: application.pool.threadPool)
            }
        }
        let group = application.makeServiceGroup()
        let task = Task { try await application.run(group) }
        let http: ListeningAddress.Address, console: ListeningAddress.Address
        do {
            (http, console) = try await slowStep("RunningServer.start: listening") {
                try await Self.listening(application, limit: .seconds(180))
            }
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            await application.close()
            throw error
        }
        let server = RunningServer(
            application: application, group: group, task: task, httpPort: http.port, consolePort: console.port,
            ownerConninfo: database, httpHost: httpHost)
        StartedServers.current?.add(server)
        return server
    }

    /// Both listening addresses, or a failure when the server stopped or took longer than `limit`
    /// (a server that never listens must fail its test, not hang the run).
    private static func listening(
        _ application: ServerApplication, limit: Duration
    ) async throws
        -> (ListeningAddress.Address, ListeningAddress.Address)
    {
        try await withThrowingTaskGroup(of: (ListeningAddress.Address, ListeningAddress.Address)?.self) { tasks in
            tasks.addTask { (try await application.httpAddress.wait(), try await application.consoleAddress.wait()) }
            tasks.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { tasks.cancelAll() }
            guard let addresses = try await tasks.next() ?? nil else {
                throw CRMProcessFailure(message: "the test server was not listening after \(limit)")
            }
            return addresses
        }
    }

    /// Triggers graceful shutdown, waits for every service to stop and removes the server's data
    /// folder. Stopping a stopped server does nothing more.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        defer { try? FileManager.default.removeItem(atPath: application.configuration.dataDirectory) }
        try await slowStep("RunningServer.stop: services") { try await task.value }
        await slowStep("RunningServer.stop: close") { await application.close() }
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        try await request("GET", path, headers: headers)
    }

    /// One HTTP exchange on a connection of its own.
    func request(
        _ method: String, _ path: String, headers: [String: String] = [:], body: String? = nil
    ) async throws
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
        try SocketClient(host: "127.0.0.1", port: consolePort, timeout: 180)
    }
}

/// A database migrated once per test process (the migrations and the schema pass take seconds);
/// each server on the project's own SQL gets a copy of it (`createdb -T`), which its own migration
/// step then finds complete.
actor MigratedTemplate {
    static let shared = MigratedTemplate()

    private var template: Task<String, any Error>?

    /// A fresh database with every migration and schema file applied; returns its connection string.
    func copy() async throws -> String {
        let template = try await templateName()
        let cluster = try await TestPostgres.cluster()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await TestPostgres.runBlocking { try cluster.createDatabase(name, template: template) }
        return cluster.conninfo(database: name)
    }

    private func templateName() async throws -> String {
        if let template { return try await template.value }
        let task = Task {
            let name = "crm_template_" + UUID().uuidString.prefix(8).lowercased()
            let conninfo = try await TestPostgres.makeDatabase(name: name)
            var configuration = ServerConfiguration()
            configuration.sqlDirectory = RunningServer.sqlDirectory
            var logger = Logger(label: "test.template")
            logger.logLevel = .warning
            _ = try await DatabaseBootstrap(configuration: configuration, logger: logger).migrate(
                conninfo: conninfo, threadPool: TestPostgres.ownThread())
            return name
        }
        template = task
        return try await task.value
    }
}

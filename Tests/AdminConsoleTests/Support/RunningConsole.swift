import AdminConsole
import Logging
import NIOCore
import ServiceLifecycle

/// A test failed because something took too long.
struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out: \(what)" }
}

/// A console server running in a `ServiceGroup` for one test.
struct RunningConsole: Sendable {
    let server: AdminConsoleServer
    let group: ServiceGroup
    let address: SocketAddress

    /// The TCP port (0 for a unix socket).
    var port: Int { address.port ?? 0 }
}

/// A logger for tests; set `CONSOLE_TEST_LOG_LEVEL=debug` to see the server's logs.
let testLogger: Logger = {
    var logger = Logger(label: "admin-console-test")
    let level = ProcessInfoEnvironment.value("CONSOLE_TEST_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:))
    logger.logLevel = level ?? .critical
    return logger
}()

/// A configuration on 127.0.0.1 with a free port.
func localConfiguration(idleTimeout: Duration? = nil) -> ConsoleConfiguration {
    ConsoleConfiguration(host: "127.0.0.1", port: 0, idleTimeout: idleTimeout)
}

/// Runs a console server for the duration of `body`, then shuts it down gracefully and requires it
/// to stop within `shutdownTimeout` (and without throwing).
func withConsole(
    _ configuration: ConsoleConfiguration = localConfiguration(),
    commands: ConsoleCommandSet = ConsoleCommandSet(),
    shutdownTimeout: Duration = .seconds(10),
    _ body: (RunningConsole) async throws -> Void
) async throws {
    let server = AdminConsoleServer(configuration: configuration, commands: commands, logger: testLogger)
    let group = ServiceGroup(services: [server], logger: testLogger)
    try await withThrowingTaskGroup(of: Bool.self) { tasks in
        tasks.addTask {
            try await group.run()
            return true
        }
        var bodyError: (any Error)?
        do {
            let address = try await withTimeout(.seconds(10), "server start") {
                try await server.waitUntilListening()
            }
            try await body(RunningConsole(server: server, group: group, address: address))
        } catch {
            bodyError = error
        }
        await group.triggerGracefulShutdown()
        tasks.addTask {
            try await Task.sleep(for: shutdownTimeout)
            return false
        }
        defer { tasks.cancelAll() }
        let stopped = try await tasks.next() ?? false
        if let bodyError { throw bodyError }
        if !stopped { throw TimedOut(what: "graceful shutdown within \(shutdownTimeout)") }
    }
}

/// The result of `operation`, or `TimedOut` after `duration`.
func withTimeout<T: Sendable>(
    _ duration: Duration,
    _ what: String,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: duration)
            return nil
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() ?? nil else { throw TimedOut(what: what) }
        return result
    }
}

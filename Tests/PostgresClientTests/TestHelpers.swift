import Foundation
import Logging
import PostgresClient
import TestSupport
import Testing

let testLogger: Logger = {
    var logger = Logger(label: "PostgresClientTests")
    logger.logLevel = .warning
    return logger
}()

/// A fresh database plus a pool on it; the pool is closed afterwards.
func withTestPool<T>(
    size: Int = 4, acquireTimeout: Duration = .seconds(5),
    _ body: (PostgresPool, String) async throws -> T
) async throws -> T {
    let conninfo = try await TestPostgres.makeDatabase()
    let pool = PostgresPool(
        configuration: .init(conninfo: conninfo, size: size, acquireTimeout: acquireTimeout),
        logger: testLogger)
    do {
        let value = try await body(pool, conninfo)
        await pool.close()
        return value
    } catch {
        await pool.close()
        throw error
    }
}

/// A standalone connection (outside the pool) using the pool's thread pool.
func standaloneConnection(_ conninfo: String, _ pool: PostgresPool) async throws -> PostgresConnection {
    try await PostgresConnection.connect(conninfo, threadPool: pool.threadPool, logger: testLogger)
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// Runs `body` and returns the `PostgresError` it throws (failing the test if it does not).
func expectPostgresError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> PostgresError? {
    do {
        try await body()
        Issue.record("expected a PostgresError, got success", sourceLocation: sourceLocation)
    } catch let error as PostgresError {
        return error
    } catch {
        Issue.record("expected a PostgresError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

struct TestFailure: Error, Equatable {
    var id = 1
}

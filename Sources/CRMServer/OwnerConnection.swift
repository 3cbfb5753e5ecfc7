import Logging
import NIOPosix
import PostgresClient

/// A short-lived connection as the database owner (migrations, demo data, first administrator),
/// closed whatever happens.
enum OwnerConnection {
    static func run<T: Sendable>(
        _ conninfo: String, threadPool: NIOThreadPool, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PostgresConnection.connect(conninfo, threadPool: threadPool, logger: logger)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }
}

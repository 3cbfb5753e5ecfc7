import EmbeddedPostgres
import Foundation
import Logging
import PostgresClient
import SchemaMigrations
import Testing
import TestSupport

/// The database side of the security core, checked by `Tests/SQL/security_test.sql`: the
/// permission matrix, shares, private rows, personal grants and denials, sessions and lockout,
/// BI logins, the append-only audit log and its hash chain (with 32 concurrent pgbench writers).
/// Any failed check raises, and psql (with ON_ERROR_STOP) exits non-zero.
@Suite struct SecuritySQLTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path

    @Test func securitySQLSuitePasses() async throws {
        let database = "sec_" + UUID().uuidString.prefix(8).lowercased()
        let conninfo = try await TestPostgres.makeDatabase(name: database)
        let logger = Logger(label: "test.security")
        let connection = try await PostgresConnection.connect(conninfo, threadPool: .singleton, logger: logger)
        let migrations = try MigrationSource.load(directory: Self.repository + "/sql")
        let schema = try MigrationSource.loadSchema(directory: Self.repository + "/sql")
        _ = try await MigrationRunner(logger: logger).migrate(migrations, schema: schema, on: connection)
        await connection.close()

        let cluster = try await TestPostgres.cluster()
        var environment = ProcessInfo.processInfo.environment
        environment["PGHOST"] = cluster.socketDirectory
        environment["PGUSER"] = cluster.superuser
        environment["PGDATABASE"] = database
        environment["PATH"] = cluster.binDirectory + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        let output = FileManager.default.temporaryDirectory.path + "/crm-security-sql-\(database).log"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let psql = try ChildProcess(
            [cluster.binDirectory + "/psql", "-X", "-v", "ON_ERROR_STOP=1", "-f", "Tests/SQL/security_test.sql"],
            outputPath: output, directory: Self.repository, environment: environment)
        let status = try await TestPostgres.runBlocking { psql.wait() }
        let log = psql.output
        #expect(status == 0, "security_test.sql failed:\n\(log.suffix(4000))")
        #expect(!log.contains("FAILED"), "\(log.suffix(4000))")
        #expect(log.contains("pgbench ok"), "the concurrent-writer part did not run:\n\(log.suffix(2000))")
    }
}

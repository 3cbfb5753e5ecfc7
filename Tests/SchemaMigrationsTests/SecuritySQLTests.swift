import EmbeddedPostgres
import Foundation
import Logging
import PostgresClient
import SchemaMigrations
import TestSupport
import Testing

/// The database side of the security core, checked by `Tests/SQL/security_test.sql`: the
/// permission matrix, shares, private rows, personal grants and denials, sessions and lockout,
/// BI logins, the append-only audit log and its hash chain (with 32 concurrent pgbench writers).
/// The file runs once, going on after a failure (`keep_going`); each of its sections ("== …")
/// is reported as a test case of its own, so one failure does not hide the rest.
@Suite struct SecuritySQLTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    static let script = "Tests/SQL/security_test.sql"

    /// The sections of the file, in order, as its `\warn '== …'` lines name them.
    static let sections: [String] = {
        let text = (try? String(contentsOfFile: repository + "/" + script, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("\\warn '== "), line.hasSuffix("'") else { return nil }
            return String(line.dropFirst("\\warn '== ".count).dropLast()).replacingOccurrences(of: "''", with: "'")
        }
    }()

    @Test("the file has its sections") func fileHasSections() {
        #expect(Self.sections.count >= 15, "\(Self.sections)")
        #expect(Set(Self.sections).count == Self.sections.count, "section names must be unique")
    }

    @Test("security SQL section", arguments: sections)
    func section(_ name: String) async throws {
        let run = try await SecuritySQLRun.shared.output()
        let parts = SecuritySQLRun.split(run.log)
        guard let text = parts[name] else {
            Issue.record("section '\(name)' did not run (psql exited \(run.status)):\n\(run.log.suffix(2000))")
            return
        }
        let failures = text.split(separator: "\n").filter { $0.contains("ERROR:") || $0.contains("FAILED") || $0.contains("FATAL:") }
        #expect(failures.isEmpty, "\(name):\n\(text.suffix(4000))")
        if name.contains("pgbench") {
            #expect(text.contains("pgbench ok"), "the concurrent writers did not run:\n\(text.suffix(2000))")
        }
    }

    @Test("the file ran to its end with nothing before the first section failing")
    func ranToTheEnd() async throws {
        let run = try await SecuritySQLRun.shared.output()
        #expect(run.status == 0, "psql exited \(run.status):\n\(run.log.suffix(2000))")
        #expect(run.log.contains("ALL SECURITY TESTS PASSED"), "\(run.log.suffix(2000))")
        let preamble = SecuritySQLRun.split(run.log)[""] ?? ""
        #expect(!preamble.contains("ERROR:"), "\(preamble.suffix(2000))")
    }
}

/// The one run of the security SQL file for the whole test process (its cases share it).
actor SecuritySQLRun {
    static let shared = SecuritySQLRun()

    struct Output: Sendable {
        let status: Int32
        let log: String
    }

    private var running: Task<Output, any Error>?

    func output() async throws -> Output {
        if let running { return try await running.value }
        let task = Task { try await Self.run() }
        running = task
        return try await task.value
    }

    /// The log cut at its section lines: section name → its text ("" for what comes before).
    static func split(_ log: String) -> [String: String] {
        var parts: [String: String] = [:]
        var current = ""
        for line in log.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("== ") {
                current = String(line.dropFirst(3))
                parts[current, default: ""] += ""
            } else {
                parts[current, default: ""] += line + "\n"
            }
        }
        return parts
    }

    private static func run() async throws -> Output {
        let database = "sec_" + UUID().uuidString.prefix(8).lowercased()
        let conninfo = try await TestPostgres.makeDatabase(name: database)
        let logger = Logger(label: "test.security")
        let connection = try await PostgresConnection.connect(conninfo, threadPool: TestPostgres.ownThread(), logger: logger)
        let migrations = try MigrationSource.load(directory: SecuritySQLTests.repository + "/sql")
        let schema = try MigrationSource.loadSchema(directory: SecuritySQLTests.repository + "/sql")
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
            [cluster.binDirectory + "/psql", "-X", "-v", "keep_going=1", "-v", "ON_ERROR_STOP=0", "-f", SecuritySQLTests.script],
            outputPath: output, directory: SecuritySQLTests.repository, environment: environment)
        let status = try await TestPostgres.waitForExit(psql, limit: .seconds(600))
        return Output(status: status, log: psql.output)
    }
}

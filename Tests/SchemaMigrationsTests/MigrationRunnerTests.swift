import Foundation
import Logging
import NIOPosix
import PostgresClient
import SchemaMigrations
import TestSupport
import Testing

@Suite struct MigrationRunnerTests {
    let logger = Logger(label: "test.migrations")

    /// A temporary folder of migration files.
    func folder(_ files: [String: String]) throws -> String {
        let path = try TemporaryPaths.folder("crm-migrations-")
        for (name, text) in files {
            try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
        }
        return path
    }

    func connect(_ conninfo: String) async throws -> PostgresConnection {
        try await PostgresConnection.connect(conninfo, threadPool: TestPostgres.ownThread(), logger: logger)
    }

    @Test func appliesInOrderThenReRunIsANoOp() async throws {
        let conninfo = try await TestPostgres.makeDatabase()
        let directory = try folder([
            "002_second.sql": "insert into things (name) values ('второй');",
            "001_first.sql":
                "create table things (id serial primary key, name text not null);\ninsert into things (name) values ('первый');",
            "README.txt": "not a migration",
        ])
        let connection = try await connect(conninfo)
        defer { connection.close() }
        let migrations = try MigrationSource.load(directory: directory)
        #expect(migrations.map(\.version) == [1, 2])

        let first = try await MigrationRunner(logger: logger).migrate(migrations, on: connection)
        #expect(first.applied == ["001_first.sql", "002_second.sql"])
        #expect(first.schemaVersion == 2)

        let second = try await MigrationRunner(logger: logger).migrate(migrations, on: connection)
        #expect(second.applied.isEmpty)
        #expect(second.alreadyApplied == 2)
        let names = try await connection.query("select name from things order by id").map { try $0.decode(String.self, at: 0) }
        #expect(names == ["первый", "второй"])
        #expect(try await MigrationRunner.schemaVersion(on: connection) == 2)
    }

    @Test func aChangedAppliedFileIsRefused() async throws {
        let conninfo = try await TestPostgres.makeDatabase()
        let directory = try folder(["001_first.sql": "create table a (id int);"])
        let connection = try await connect(conninfo)
        defer { connection.close() }
        _ = try await MigrationRunner(logger: logger).migrate(try MigrationSource.load(directory: directory), on: connection)

        try "create table a (id bigint);".write(toFile: directory + "/001_first.sql", atomically: true, encoding: .utf8)
        try "create table b (id int);".write(toFile: directory + "/002_next.sql", atomically: true, encoding: .utf8)
        await #expect {
            _ = try await MigrationRunner(logger: logger).migrate(try MigrationSource.load(directory: directory), on: connection)
        } throws: { error in
            "\(error)".contains("001_first.sql was changed after it was applied")
        }
        // Nothing after the changed file was applied.
        let rows = try await connection.query("select to_regclass('b') is null")
        #expect(try rows[0].decode(Bool.self, at: 0))
    }

    @Test func aFailingFileIsRolledBackWhole() async throws {
        let conninfo = try await TestPostgres.makeDatabase()
        let directory = try folder([
            "001_ok.sql": "create table ok (id int);",
            "002_bad.sql": "create table half (id int);\ninsert into half values (1);\nselect no_such_function();",
        ])
        let connection = try await connect(conninfo)
        defer { connection.close() }
        await #expect {
            _ = try await MigrationRunner(logger: logger).migrate(try MigrationSource.load(directory: directory), on: connection)
        } throws: { error in
            "\(error)".contains("002_bad.sql failed and was rolled back") && "\(error)".contains("no_such_function")
        }
        let rows = try await connection.query("select to_regclass('half') is null, to_regclass('ok') is not null")
        let (halfAbsent, okPresent) = try rows[0].decode((Bool, Bool).self)
        #expect(halfAbsent)
        #expect(okPresent)
        #expect(try await MigrationRunner.schemaVersion(on: connection) == 1)
    }

    @Test func twoRunnersAtOnceApplyEachFileOnce() async throws {
        let conninfo = try await TestPostgres.makeDatabase()
        // Not idempotent on purpose: a second application would fail.
        let directory = try folder([
            "001_slow.sql": "create table slow (id int); select pg_sleep(0.5);",
            "002_next.sql": "create table next_one (id int);",
        ])
        let migrations = try MigrationSource.load(directory: directory)
        let logger = self.logger
        let reports = try await withThrowingTaskGroup(of: MigrationRunner.Report.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let connection = try await PostgresConnection.connect(conninfo, threadPool: TestPostgres.ownThread(), logger: logger)
                    defer { connection.close() }
                    return try await MigrationRunner(logger: logger).migrate(migrations, on: connection)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reports.map(\.applied.count).sorted() == [0, 2])
    }

    @Test func badFileNamesAndDuplicatesAreRefused() throws {
        #expect(throws: MigrationError.self) { try MigrationSource.load(directory: try folder(["1_short.sql": ""])) }
        #expect {
            try MigrationSource.load(directory: try folder(["001_a.sql": "", "001_b.sql": ""]))
        } throws: { error in
            "\(error)".contains("number 1 is used by more than one file")
        }
        #expect(throws: MigrationError.self) { try MigrationSource.locateDirectory(explicit: "/nonexistent/sql") }
    }

    @Test func legacyAndMigrationsFoldersShareOneNumbering() throws {
        let root = try folder([:])
        for sub in ["legacy", "migrations"] {
            try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true)
        }
        try "select 1;".write(toFile: root + "/legacy/001_old.sql", atomically: true, encoding: .utf8)
        try "select 3;".write(toFile: root + "/migrations/003_new.sql", atomically: true, encoding: .utf8)
        try "select 2;".write(toFile: root + "/legacy/002_older.sql", atomically: true, encoding: .utf8)
        #expect(try MigrationSource.load(directory: root).map(\.fileName) == ["001_old.sql", "002_older.sql", "003_new.sql"])
        #expect(try MigrationSource.loadSchema(directory: root).isEmpty)
        try "select 4;".write(toFile: root + "/004_beside.sql", atomically: true, encoding: .utf8)
        #expect { try MigrationSource.load(directory: root) } throws: { "\($0)".contains("sql/004_beside.sql is beside sql/legacy") }
        try FileManager.default.removeItem(atPath: root + "/004_beside.sql")
        try "select 2;".write(toFile: root + "/migrations/002_again.sql", atomically: true, encoding: .utf8)
        #expect {
            try MigrationSource.load(directory: root)
        } throws: { error in
            "\(error)".contains("number 2 is used by more than one file")
        }
    }

    @Test func theProjectsOwnMigrationsApply() async throws {
        let conninfo = try await TestPostgres.makeDatabase()
        let sqlDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql").standardized.path
        let connection = try await connect(conninfo)
        defer { connection.close() }
        let migrations = try MigrationSource.load(directory: sqlDirectory)
        let schema = try MigrationSource.loadSchema(directory: sqlDirectory)
        #expect(migrations.first?.fileName == "001_foundation.sql")
        let report = try await MigrationRunner(logger: logger).migrate(migrations, schema: schema, on: connection)
        #expect(report.applied.count == migrations.count)
        #expect(report.schemaVersion == migrations.last?.version)
        #expect(report.schemaApplied == schema.map(\.path))
        let problems = try await connection.query("select problem from crm_api.security_self_check()").map {
            try $0.decode(String.self, at: 0)
        }
        #expect(problems.isEmpty, "\(problems)")
    }
}

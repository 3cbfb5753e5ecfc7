import Foundation
import Logging
import PostgresClient
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `crm` binary as an operator runs it.
@Suite(.stopsItsServers) struct CommandLineTests {
    func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/crm-cli-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    var sqlDirectory: String { RunningServer.sqlDirectory }

    @Test func serveOnTheEmbeddedDefaultAnswersHealthAndStopsCleanlyOnSIGTERM() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try CRMProcess(
            ["serve", "--http-port", "0", "--console-port", "0", "--sql-dir", sqlDirectory], directory: folder)
        let line = try await server.waitForLine(containing: "HTTP listening")
        let port = try #require(Int(line.split(separator: ":").last?.split(separator: " ").first ?? ""))
        let health = try await TestPostgres.runBlocking { try HTTPTestResponse.fetch(port: port, path: "/health") }
        #expect(health.status == 200)
        #expect(health.body.contains("\"reachable\":true"))
        // The private cluster lives under ./.crm and was created there.
        #expect(FileManager.default.fileExists(atPath: folder + "/.crm/pgdata/PG_VERSION"))

        // PostgreSQL restarts under the running server: 503 meanwhile, then 200 again.
        #expect(try await CRMProcess.run(["db", "stop"], directory: folder).status == 0)
        // (Asked until the answer comes: on a loaded machine the server may take a while to notice.)
        let fetchHealth: @Sendable () async throws -> HTTPTestResponse = {
            try await TestPostgres.runBlocking { try HTTPTestResponse.fetch(port: port, path: "/health") }
        }
        #expect(try await eventually(timeout: .seconds(60)) { try await fetchHealth().status == 503 })
        #expect(try await CRMProcess.run(["db", "start"], directory: folder).status == 0)
        #expect(try await eventually(timeout: .seconds(60)) { try await fetchHealth().status == 200 }, "health never answered 200 again")

        server.child.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        #expect(server.output.contains("PostgreSQL cluster stopped"))
        let status = try await CRMProcess.run(["db", "status"], directory: folder)
        #expect(status.status == 3, "cluster should be stopped: \(status.output)")

        // A second start reuses the cluster and the applied migrations.
        let again = try CRMProcess(
            ["serve", "--http-port", "0", "--console-port", "0", "--sql-dir", sqlDirectory], directory: folder)
        _ = try await again.waitForLine(containing: "HTTP listening")
        #expect(!again.output.contains("creating PostgreSQL cluster"))
        #expect(!again.output.contains("migration applied"))
        again.child.signal(SIGINT)
        #expect(try await again.waitForExit() == 0)
    }

    @Test func anEmptyDatabaseGetsAFirstAdministratorWhoCanSignIn() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try CRMProcess(
            ["serve", "--http-port", "0", "--console-port", "0", "--sql-dir", sqlDirectory], directory: folder)
        let line = try await server.waitForLine(containing: "with the one-time password")
        let password = try #require(line.split(separator: " ").last.map(String.init))
        let consoleLine = try await server.waitForLine(containing: "admin console listening")
        let port = try #require(Int(consoleLine.split(separator: ":").last?.split(separator: " ").first ?? ""))
        // A real password hash (the production iteration count): slow on a loaded machine.
        let replies = try await TestPostgres.runBlocking {
            let console = try SocketClient(host: "127.0.0.1", port: port, timeout: 60)
            try console.write("AUTH administrator \(password)\r\nWHOAMI\r\nAUTH administrator wrong\r\n")
            return [try console.readLine(), try console.readLine(), try console.readLine()]
        }
        server.child.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        #expect(replies[0]?.hasPrefix("+OK") == true, "\(replies)")
        #expect(replies[1]?.contains("administrator") == true, "\(replies)")
        #expect(replies[2] == "-ERR AUTH wrong login or password")

        // Recovery: a new one-time password from the server's machine; unknown logins are refused.
        let reset = try await CRMProcess.run(["admin", "password", "administrator", "--sql-dir", sqlDirectory], directory: folder)
        #expect(reset.status == 0, "\(reset.output)")
        #expect(reset.output.contains("new one-time password for administrator: "))
        let unknown = try await CRMProcess.run(["admin", "password", "nobody", "--sql-dir", sqlDirectory], directory: folder)
        #expect(unknown.status == 1)
        #expect(unknown.output.contains("crm: no user with login 'nobody'"))
    }

    @Test func serveRefusesADatabaseThatFailsItsSecurityCheck() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try await TestPostgres.makeDatabase()
        let migrate = try await CRMProcess.run(["migrate", "--database-url", database, "--sql-dir", sqlDirectory], directory: folder)
        #expect(migrate.status == 0, "\(migrate.output)")
        // Somebody switches row-level security off on a business table by hand.
        let owner = try await PostgresConnection.connect(database, threadPool: TestPostgres.ownThread(), logger: Logger(label: "test"))
        try await owner.execute(script: "alter table crm.deals no force row level security")
        await owner.close()
        let result = try await CRMProcess.run(
            ["serve", "--database-url", database, "--http-port", "0", "--console-port", "0", "--sql-dir", sqlDirectory],
            directory: folder)
        #expect(result.status == 1)
        #expect(result.output.contains("crm: the database failed its security self-check"), "\(result.output)")
        #expect(result.output.contains("deals"), "\(result.output)")
    }

    @Test func dbStartStatusStopAndMigrate() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let absent = try await CRMProcess.run(["db", "status"], directory: folder)
        #expect(absent.status == 4)
        let start = try await CRMProcess.run(["db", "start"], directory: folder)
        #expect(start.status == 0, "\(start.output)")
        let running = try await CRMProcess.run(["db", "status"], directory: folder)
        #expect(running.status == 0)
        #expect(running.output.contains("running"))
        let migrate = try await CRMProcess.run(["migrate", "--sql-dir", sqlDirectory], directory: folder)
        #expect(migrate.status == 0, "\(migrate.output)")
        #expect(migrate.output.contains("applied 001_foundation.sql"))
        let again = try await CRMProcess.run(["migrate", "--sql-dir", sqlDirectory], directory: folder)
        #expect(again.output.contains("0 applied"))
        // migrate leaves a cluster it did not start running.
        #expect(try await CRMProcess.run(["db", "status"], directory: folder).status == 0)
        let stop = try await CRMProcess.run(["db", "stop"], directory: folder)
        #expect(stop.status == 0)
        #expect(try await CRMProcess.run(["db", "status"], directory: folder).status == 3)
    }

    @Test(arguments: [
        (["serve", "--database-url", "http://example/db"], "scheme 'http'"),
        (["serve", "--database-url", "postgresql://a b@host/db"], "not a parsable URL"),
        (["serve", "--http-port", "99999"], "not a port number"),
        (["serve", "--log-level", "loud"], "not a log level"),
        (["serve", "--config", "/nonexistent/crm.conf"], "config file /nonexistent/crm.conf does not exist"),
        (["serve", "--postgres-bin", "/nonexistent/bin"], "PostgreSQL server binaries not found"),
        (["serve", "--data-dir", "/proc/crm-data"], "data folder /proc/crm-data is not usable"),
        (["serve", "--database-url", "host=/tmp/none", "--sql-dir", "/nonexistent/sql"], "migrations folder not found"),
    ])
    func badConfigurationIsOneClearLineAndAFailingExit(arguments: [String], expected: String) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await CRMProcess.run(arguments, directory: folder)
        #expect(result.status != 0)
        let errorLines = result.output.split(separator: "\n").filter { $0.hasPrefix("crm: ") }
        #expect(errorLines.count == 1, "\(result.output)")
        #expect(errorLines.first?.contains(expected) == true, "\(result.output)")
    }

    @Test func aConfigFileIsReadAndFlagsOverrideIt() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "# test\nhttp-port = 99999\n".write(toFile: folder + "/crm.conf", atomically: true, encoding: .utf8)
        let fromFile = try await CRMProcess.run(["serve"], directory: folder)
        #expect(fromFile.output.contains("crm.conf: http-port = '99999' is not a port number"), "\(fromFile.output)")
        try "bogus-key = 1\n".write(toFile: folder + "/crm.conf", atomically: true, encoding: .utf8)
        let unknown = try await CRMProcess.run(["serve"], directory: folder)
        #expect(unknown.output.contains("line 1: unknown key 'bogus-key'"), "\(unknown.output)")
    }

    @Test func aPortInUseIsAClearError() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try await TestPostgres.makeDatabase()
        let blocker = try await RunningServer.start(conninfo: database)
        let port = blocker.httpPort
        let result = try await CRMProcess.run(
            ["serve", "--database-url", database, "--http-port", "\(port)", "--console-port", "0", "--sql-dir", sqlDirectory],
            directory: folder)
        try await blocker.stop()
        #expect(result.status != 0)
        #expect(result.output.contains("crm: cannot listen on 127.0.0.1:\(port) for HTTP: address already in use"), "\(result.output)")
    }

    @Test func versionAndHelp() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let version = try await CRMProcess.run(["version"], directory: folder)
        #expect(version.output.hasPrefix("crm "))
        let help = try await CRMProcess.run(["serve", "--help"], directory: folder)
        for flag in ["--database-url", "--data-dir", "--http-host", "--http-port", "--console-host", "--console-port", "--config"] {
            #expect(help.output.contains(flag), "serve --help lacks \(flag)")
        }
    }
}

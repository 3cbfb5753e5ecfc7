import CRMServer
import Credentials
import Foundation
import Logging
import TestSupport
import Testing

/// `SECURITY SHOW|SET`, `ROLE HOURS` and `DEMO INSTALL` over the console, with their effect seen
/// through HTTP.
@Suite(.serialized, .stopsItsServers) struct ConsoleSecurityCommandsTests {
    @Test func securitySettingsAreShownChangedAndValidated() async throws {
        let server = try await RunningServer.startDemo()
        let console = try AdminConsoleClient(server)
        try await console.signIn()
        let shown = try await console.send("SECURITY SHOW")
        #expect(shown.column("setting").contains("idle_timeout"), "\(shown)")
        #expect(try await console.send("SECURITY SET idle_timeout \"45 minutes\"").isOK)
        let after = try await console.send("SECURITY SHOW")
        let index = try #require(after.column("setting").firstIndex(of: "idle_timeout"))
        #expect(after.column("value")[index] == "PT45M")
        #expect(try await console.send("SECURITY SET no_such_setting 1").code == "INVALID")
        #expect(try await console.send("SECURITY SET company_time_zone Mars/Olympus").code == "INVALID")
        #expect(try await console.send("SECURITY SET idle_timeout").code == "SYNTAX")
        try await server.stop()
    }

    @Test func roleHoursRefuseLoginOutsideTheWindow() async throws {
        let server = try await RunningServer.startDemo()
        let console = try AdminConsoleClient(server)
        try await console.signIn()
        // A window that excludes now: the hour after the next one, in the company time zone (UTC here).
        #expect(try await console.send("SECURITY SET company_time_zone UTC").isOK)
        let hour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour!
        let window = String(format: "%02d:00-%02d:30", (hour + 2) % 24, (hour + 2) % 24)
        #expect(try await console.send("ROLE HOURS manager 1-7 \(window)").isOK)
        let refused = try await server.httpLogin("manager.msk", RunningServer.demoPassword)
        #expect(refused.status == 403)
        #expect(try await console.send("ROLE HOURS manager any").isOK)
        let allowed = try await server.httpLogin("manager.msk", RunningServer.demoPassword)
        #expect(allowed.status == 200)
        for bad in [
            "ROLE HOURS manager 0-5 09:00-18:00", "ROLE HOURS manager 5-1 09:00-18:00", "ROLE HOURS manager 1-5 9-18",
            "ROLE HOURS manager sometimes", "ROLE HOURS nobody any",
        ] {
            let answer = try await console.send(bad)
            #expect(answer.isError, "\(bad) → \(answer)")
        }
        try await server.stop()
    }

    @Test func demoInstallFromTheConsole() async throws {
        let server = try await RunningServer.start()
        // An empty database: the first administrator signs in, installs the demo company once.
        let password = try #require(try await server.createFirstAdministrator())
        let console = try AdminConsoleClient(server)
        try await console.signIn("administrator", password: password)
        let installed = try await console.send("DEMO INSTALL")
        #expect(installed.header == ["login", "one-time password"], "\(installed)")
        #expect(installed.rows.count == 11, "ten users and the 1C exchange account")
        let director = try #require(installed.rows.first { $0[0] == "director" })
        #expect(try await server.httpLogin("director", director[1]).status == 200)
        #expect(try await console.send("DEMO INSTALL").code == "EXISTS")
        try await server.stop()
    }
}

extension RunningServer {
    /// Creates the first administrator of an empty database; returns its one-time password.
    func createFirstAdministrator() async throws -> String? {
        try await FirstAdministratorAccess.ensure(self)
    }
}

enum FirstAdministratorAccess {
    static func ensure(_ server: RunningServer) async throws -> String? {
        try await FirstAdministrator(hasher: PasswordHasher(iterations: 1000), logger: Logger(label: "test"))
            .ensure(ownerConninfo: server.ownerConninfo, threadPool: server.application.pool.threadPool)
    }
}

/// The console on a local Unix socket stands in for an admin network.
@Suite(.stopsItsServers) struct LocalConsoleTests {
    @Test func theLocalSocketAdmitsAdministratorsThatTCPRefuses() async throws {
        let socketPath = FileManager.default.temporaryDirectory.path + "/crm-console-\(UUID().uuidString.prefix(6)).sock"
        TemporaryPaths.removeAtExit(socketPath)
        let server = try await RunningServer.start(demo: true, consoleSocket: socketPath)
        // Administrators only from 10.0.0.0/8: the loopback TCP console is no longer an admin place.
        _ = try await server.ownerQuery(
            "insert into crm.networks (role_id, network, purpose) select id, '10.0.0.0/8', 'admin' from crm.roles where name = 'admin'")
        let tcp = try AdminConsoleClient(server)
        #expect(try await tcp.send("AUTH admin \(RunningServer.demoPassword)").code == "DENIED")

        let local = try await TestPostgres.runBlocking { try SocketClient(unixPath: socketPath) }
        let replies = try await TestPostgres.runBlocking {
            try local.write("AUTH admin \(RunningServer.demoPassword)\r\nUSER SHOW manager.msk\r\n")
            return [try local.readLine(), try local.readLine()]
        }
        #expect(replies[0]?.hasPrefix("+OK signed in as admin") == true, "\(replies)")
        #expect(replies[1]?.hasPrefix("-ERR") == false, "\(replies)")
        // A wrong password is still wrong there.
        let wrong = try await TestPostgres.runBlocking { () -> String? in
            let other = try SocketClient(unixPath: socketPath)
            try other.write("AUTH admin nope\r\n")
            return try other.readLine()
        }
        #expect(wrong == "-ERR AUTH wrong login or password")
        try await server.stop()
    }
}

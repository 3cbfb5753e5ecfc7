import CRMServer
import Foundation
import Logging
import NIOPosix
import PostgresClient
import TestSupport
import Testing

/// One console reply: its lines (a single `+`/`-` line, or a table/text without the final `.`).
struct ConsoleAnswer: CustomStringConvertible {
    var lines: [String]

    var first: String { lines.first ?? "" }
    var isOK: Bool { first.hasPrefix("+OK") }
    var isError: Bool { first.hasPrefix("-ERR") }
    /// The error code of `-ERR CODE message`.
    var code: String? { isError ? first.split(separator: " ").dropFirst().first.map(String.init) : nil }
    /// Table rows (after the header), split at tabs.
    var rows: [[String]] { lines.dropFirst().map { $0.components(separatedBy: "\t") } }
    var header: [String] { first.components(separatedBy: "\t") }
    var description: String { lines.joined(separator: "\n") }

    /// The value of `column` in every row.
    func column(_ name: String) -> [String] {
        guard let index = header.firstIndex(of: name) else { return [] }
        return rows.map { $0.indices.contains(index) ? $0[index] : "" }
    }
}

/// A console connection for tests: one command, one reply.
final class AdminConsoleClient: Sendable {
    let socket: SocketClient

    init(_ server: RunningServer) throws {
        socket = try server.console()
    }

    func send(_ line: String) async throws -> ConsoleAnswer {
        let socket = self.socket
        return try await TestPostgres.runBlocking {
            try socket.write(line + "\r\n")
            guard let first = try socket.readLine() else { return ConsoleAnswer(lines: []) }
            if first.hasPrefix("+") || first.hasPrefix("-") { return ConsoleAnswer(lines: [first]) }
            var lines = [first]
            while let next = try socket.readLine(), next != "." { lines.append(next) }
            return ConsoleAnswer(lines: lines)
        }
    }

    /// Sends `AUTH login password` and expects `+OK`.
    @discardableResult
    func signIn(_ login: String = "admin", password: String = RunningServer.demoPassword) async throws -> ConsoleAnswer {
        let answer = try await send("AUTH \(login) \(password)")
        #expect(answer.isOK, "AUTH \(login): \(answer)")
        return answer
    }
}

extension RunningServer {
    static func startDemo() async throws -> RunningServer {
        try await start(demo: true, passwordIterations: 1000)
    }

    /// Logs in over HTTP; returns the token, or nil with the status.
    func httpLogin(_ login: String, _ password: String) async throws -> (token: String?, status: Int) {
        let body = try JSONSerialization.data(withJSONObject: ["login": login, "password": password])
        let response = try await post("/api/v1/auth/login", body: String(decoding: body, as: UTF8.self))
        let json = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        return (json?["token"] as? String, response.status)
    }

    /// `GET /api/v1/me` with `token`: the status and the JSON body.
    func me(_ token: String) async throws -> (status: Int, body: [String: Any]) {
        let response = try await get("/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]) ?? [:]
        return (response.status, json)
    }

    /// Runs `statements` in order on one owner (superuser) connection; returns the last result.
    func ownerQuery(_ statements: String...) async throws -> PostgresRows {
        var logger = Logger(label: "test.owner")
        logger.logLevel = .warning
        let connection = try await PostgresConnection.connect(ownerConninfo, threadPool: application.pool.threadPool, logger: logger)
        defer { connection.close() }
        var last: PostgresRows?
        for statement in statements { last = try await connection.query(PostgresQuery(unsafeSQL: statement)) }
        return last!
    }
}

/// Serialized: each test starts a server with the demo company; eight at once starve the timing-sensitive
/// console suites on a small machine.
@Suite(.serialized, .stopsItsServers) struct ConsoleAdminTests {
    @Test func commandsNeedAuthAndOnlyAdministratorsGetIn() async throws {
        let server = try await RunningServer.startDemo()
        let console = try AdminConsoleClient(server)
        #expect(try await console.send("PING").first == "+PONG")
        #expect(try await console.send("HELP USER").lines.contains { $0.contains("USER ADD") })
        let early = try await console.send("USER LIST")
        #expect(early.first == "-ERR NOAUTH sign in with AUTH login password")
        #expect(try await console.send("WHOAMI").code == "NOAUTH")
        #expect(try await console.send("AUTH admin").code == "SYNTAX")
        #expect(try await console.send("AUTH admin wrong-password").first == "-ERR AUTH wrong login or password")
        #expect(try await console.send("AUTH nobody.here wrong-password").first == "-ERR AUTH wrong login or password")
        #expect(try await console.send("USER LIST").code == "NOAUTH")
        #expect(try await console.signIn().first == "+OK signed in as admin")
        let whoami = try await console.send("WHOAMI")
        #expect(whoami.isOK && whoami.first.contains("admin") && whoami.first.contains("127.0.0.1"), "\(whoami)")

        // A manager has the right password but no administrator rights.
        let manager = try AdminConsoleClient(server)
        let refused = try await manager.send("AUTH manager.msk \(RunningServer.demoPassword)")
        #expect(refused.code == "DENIED", "\(refused)")
        #expect(try await manager.send("USER LIST").code == "NOAUTH")
        #expect(try await manager.send("ROLE SET manager deal read all").code == "NOAUTH")
        #expect(try await manager.send("PING").first == "+PONG")

        // QUIT signs out: the console session ends with the connection.
        let second = try AdminConsoleClient(server)
        try await second.signIn()
        #expect(try await console.send("SESSION LIST admin").rows.count == 2)
        #expect(try await second.send("QUIT").first == "+OK bye")
        #expect(try await console.send("SESSION LIST admin").rows.count == 1)
        try await server.stop()
    }

    @Test func wrongArgumentsAnswerErrorsAndTheConnectionStaysUsable() async throws {
        let server = try await RunningServer.startDemo()
        let console = try AdminConsoleClient(server)
        try await console.signIn()
        let cases: [(String, String)] = [
            ("USER ADD", "SYNTAX"),
            ("USER ADD onlylogin", "SYNTAX"),
            ("USER ADD bad/login \"Name\"", "INVALID"),
            ("USER ADD someone \"Name\" not-an-email", "INVALID"),
            ("USER ADD someone \"Name\" --tz Mars/Olympus", "INVALID"),
            ("USER ADD someone \"Name\" --dept \"No such dept\"", "NOT_FOUND"),
            ("USER ADD someone \"Name\" --colour red", "INVALID"),
            ("USER ADD someone \"Name\" --tz", "SYNTAX"),
            ("USER ADD manager.msk \"Again\"", "EXISTS"),
            ("USER SHOW", "SYNTAX"),
            ("USER SHOW nobody", "NOT_FOUND"),
            ("USER DISABLE admin", "INVALID"),
            ("USER PASSWD manager.msk short", "INVALID"),
            ("USER ROLE manager.msk give manager", "SYNTAX"),
            ("USER ROLE manager.msk add no_such_role", "NOT_FOUND"),
            ("USER ROLE manager.msk add manager", "EXISTS"),
            ("USER ROLE manager.msk remove director", "NOT_FOUND"),
            ("USER TERRITORY manager.msk add Atlantis", "NOT_FOUND"),
            ("USER GRANT manager.msk spaceship read all", "INVALID"),
            ("USER GRANT manager.msk deal fly all", "INVALID"),
            ("USER GRANT manager.msk deal read everything", "INVALID"),
            ("USER GRANT manager.msk deal read", "SYNTAX"),
            ("USER DENY manager.msk deal", "SYNTAX"),
            ("ROLE ADD", "SYNTAX"),
            ("ROLE ADD manager", "EXISTS"),
            ("ROLE SHOW ghost", "NOT_FOUND"),
            ("ROLE SET manager deal read sometimes", "INVALID"),
            ("ROLE DROP manager", "INVALID"),
            ("DEPT ADD", "SYNTAX"),
            ("DEPT ADD Child NoParent", "NOT_FOUND"),
            ("DEPT ADD Management", "EXISTS"),
            ("DEPT MOVE Management \"Moscow sales\"", "INVALID"),
            ("DEPT MOVE Management Management", "INVALID"),
            ("TERRITORY MOVE Russia Moscow", "INVALID"),
            ("NET ALLOW role admin 10.0.0.0/99 admin", "INVALID"),
            ("NET ALLOW role admin not-a-network admin", "INVALID"),
            ("NET ALLOW role admin 10.0.0.0/8 coffee", "INVALID"),
            ("NET ALLOW group admin 10.0.0.0/8 admin", "SYNTAX"),
            ("NET ALLOW role admin 10.0.0.1/8 admin", "INVALID"),
            ("NET REMOVE abc", "INVALID"),
            ("NET REMOVE 424242", "NOT_FOUND"),
            ("SESSION KILL 424242", "NOT_FOUND"),
            ("SESSION KILL x", "INVALID"),
            ("SESSION LIST nobody", "NOT_FOUND"),
            ("SHARE client 1 junior.msk admin", "INVALID"),
            ("SHARE planet 1 junior.msk read", "INVALID"),
            ("SHARE client x junior.msk read", "INVALID"),
            ("UNSHARE client 1 junior.msk", "NOT_FOUND"),
            ("BI CREATE", "SYNTAX"),
            ("BI CREATE Bad-Name junior.msk long-enough-password", "INVALID"),
            ("BI CREATE bi_short junior.msk short", "INVALID"),
            ("BI CREATE bi_nobody nobody long-enough-password", "NOT_FOUND"),
            ("BI DROP bi_never_created", "NOT_FOUND"),
            ("AUDIT TAIL 0", "INVALID"),
            ("AUDIT TAIL 5 colour red", "SYNTAX"),
            ("AUDIT TAIL action dance", "INVALID"),
            ("AUDIT VERIFY now", "SYNTAX"),
            ("USER", "SYNTAX"),
            ("AUTH \"unterminated", "SYNTAX"),
        ]
        for (line, code) in cases {
            let answer = try await console.send(line)
            #expect(answer.code == code, "\(line) → \(answer)")
            #expect(answer.lines.count == 1, "\(line) → \(answer)")
        }
        #expect(try await console.send("PING").first == "+PONG")
        #expect(try await console.send("WHOAMI").isOK)
        try await server.stop()
    }

    @Test func usersRolesGrantsAndDisabling() async throws {
        let server = try await RunningServer.startDemo()
        let console = try AdminConsoleClient(server)
        try await console.signIn()

        let added = try await console.send(
            "USER ADD petr.novikov \"Пётр Новиков\" petr@example.ru --dept \"Moscow sales\" --tz Asia/Novosibirsk")
        #expect(added.isOK, "\(added)")
        let oneTime = try #require(added.first.components(separatedBy: "one-time password: ").last)
        #expect(oneTime.count == 12)
        #expect(try await server.httpLogin("petr.novikov", oneTime).token != nil)

        #expect(try await console.send("USER PASSWD petr.novikov new-secret-123").isOK)
        #expect(try await server.httpLogin("petr.novikov", oneTime).status == 401)
        let login = try await server.httpLogin("petr.novikov", "new-secret-123")
        let token = try #require(login.token, "status \(login.status)")
        #expect(try await server.me(token).status == 200)

        let list = try await console.send("USER LIST")
        #expect(list.header.starts(with: ["id", "login", "name"]))
        #expect(list.column("login").contains("petr.novikov"))
        #expect(list.column("name").contains("Пётр Новиков"))
        let show = try await console.send("USER SHOW petr.novikov")
        let fields = Dictionary(uniqueKeysWithValues: show.rows.map { ($0[0], $0.count > 1 ? $0[1] : "") })
        #expect(fields["department"] == "Moscow sales")
        #expect(fields["time_zone"] == "Asia/Novosibirsk")
        #expect(fields["email"] == "petr@example.ru")
        #expect(fields["open_sessions"] == "1", "the password change ended the one-time password's session")

        // Roles: a new role with one permission, given to the user (ending their sessions).
        #expect(try await console.send("ROLE ADD auditor \"Аудитор: читает сделки\"").isOK)
        #expect(try await console.send("ROLE SET auditor deal read all").isOK)
        #expect(try await console.send("ROLE SET auditor client read territory").isOK)
        #expect(try await console.send("ROLE SET auditor client read department").isOK)
        let role = try await console.send("ROLE SHOW auditor")
        #expect(role.header == ["entity", "action", "scope"])
        #expect(role.rows == [["client", "read", "department"], ["deal", "read", "all"]])
        let roles = try await console.send("ROLE LIST")
        #expect(roles.column("name").contains("auditor"))
        #expect(roles.column("description").contains("Аудитор: читает сделки"))
        #expect(try await console.send("USER ROLE petr.novikov add auditor").isOK)
        #expect(try await server.me(token).status == 401)  // roles changed: sessions ended

        let relogin = try #require(try await server.httpLogin("petr.novikov", "new-secret-123").token)
        var me = try await server.me(relogin)
        var permissions = me.body["permissions"] as? [String: String] ?? [:]
        #expect(permissions["deal.read"] == "all")
        #expect(permissions["client.read"] == "department")
        #expect(me.body["roles"] as? [String] == ["auditor"])

        // Personal grant and denial.
        #expect(try await console.send("USER GRANT petr.novikov product export own").isOK)
        #expect(try await console.send("USER DENY petr.novikov deal read").isOK)
        let third = try #require(try await server.httpLogin("petr.novikov", "new-secret-123").token)
        me = try await server.me(third)
        permissions = me.body["permissions"] as? [String: String] ?? [:]
        #expect(permissions["product.export"] == "own")
        #expect(permissions["deal.read"] == nil)
        #expect(permissions["client.read"] == "department")
        #expect(try await console.send("USER GRANT petr.novikov deal read none").isOK)
        #expect(try await console.send("USER TERRITORY petr.novikov add Tula").isOK)
        #expect(try await console.send("USER SHOW petr.novikov").rows.contains(["territories", "Tula"]))
        #expect(try await console.send("USER TERRITORY petr.novikov remove Tula").isOK)

        // Disabling ends the sessions; enabling lets them log in again.
        let fourth = try #require(try await server.httpLogin("petr.novikov", "new-secret-123").token)
        #expect(try await server.me(fourth).status == 200)
        #expect(
            try await console.send("USER DISABLE petr.novikov").first
                == "+OK user petr.novikov disabled; their sessions ended and API tokens revoked")
        #expect(try await server.me(fourth).status == 401)
        #expect(try await server.httpLogin("petr.novikov", "new-secret-123").token == nil)
        #expect(try await console.send("USER LIST").rows.contains { $0[1] == "petr.novikov" && $0[6] == "no" })
        #expect(try await console.send("USER ENABLE petr.novikov").isOK)
        #expect(try await server.httpLogin("petr.novikov", "new-secret-123").token != nil)

        #expect(try await console.send("USER ROLE petr.novikov remove auditor").isOK)
        #expect(try await console.send("ROLE DROP auditor").first == "+OK role auditor dropped")
        #expect(try await console.send("ROLE SHOW auditor").code == "NOT_FOUND")
        try await server.stop()
    }

    @Test func departmentsAndTerritoriesWithCyrillicNames() async throws {
        let server = try await RunningServer.startDemo()
        let console = try AdminConsoleClient(server)
        try await console.signIn()
        #expect(try await console.send("DEPT ADD \"Отдел продаж\"").isOK)
        #expect(try await console.send("DEPT ADD \"Группа «Север»\" \"Отдел продаж\"").isOK)
        var departments = try await console.send("DEPT LIST")
        #expect(departments.header == ["id", "name", "parent", "path"])
        #expect(
            departments.rows.contains { $0[1] == "Группа «Север»" && $0[2] == "Отдел продаж" && $0[3] == "Отдел продаж / Группа «Север»" })
        #expect(departments.column("path").contains("Management / Moscow sales"))
        #expect(try await console.send("DEPT MOVE \"Отдел продаж\" Management").isOK)
        departments = try await console.send("DEPT LIST")
        #expect(departments.column("path").contains("Management / Отдел продаж / Группа «Север»"))
        #expect(try await console.send("DEPT MOVE \"Группа «Север»\" -").isOK)
        departments = try await console.send("DEPT LIST")
        #expect(departments.rows.contains { $0[1] == "Группа «Север»" && $0[2] == "-" })
        #expect(try await console.send("DEPT MOVE Management \"Отдел продаж\"").code == "INVALID")
        #expect(try await console.send("USER ADD olga.s \"Ольга Сибирская\" --dept \"Группа «Север»\"").isOK)

        #expect(try await console.send("TERRITORY ADD Сибирь Russia").isOK)
        #expect(try await console.send("TERRITORY ADD Новосибирск Сибирь").isOK)
        #expect(try await console.send("TERRITORY MOVE Новосибирск Central").isOK)
        let territories = try await console.send("TERRITORY LIST")
        #expect(territories.column("path").contains("Russia / Central / Новосибирск"))
        #expect(territories.column("path").contains("Russia / Сибирь"))
        #expect(try await console.send("USER TERRITORY olga.s add Новосибирск").isOK)
        #expect(try await console.send("USER SHOW olga.s").rows.contains(["territories", "Новосибирск"]))
        // The same name twice in the tree: named by #id.
        #expect(try await console.send("TERRITORY ADD Сибирь Volga").isOK)
        #expect(try await console.send("TERRITORY MOVE Сибирь -").code == "INVALID")
        try await server.stop()
    }

    @Test func networksLockOutAdminsFromOtherNetworks() async throws {
        let server = try await RunningServer.startDemo()
        let console = try AdminConsoleClient(server)
        try await console.signIn()
        let allowed = try await console.send("NET ALLOW user director 192.168.10.0/24 login \"офис\"")
        #expect(allowed.isOK, "\(allowed)")
        var networks = try await console.send("NET LIST")
        #expect(networks.header == ["id", "network", "holder_kind", "holder", "purpose", "description"])
        let id = try #require(networks.rows.first { $0[3] == "director" }?[0])
        #expect(networks.rows.contains(["\(id)", "192.168.10.0/24", "user", "director", "login", "офис"]))
        // The director is now refused over HTTP from 127.0.0.1.
        #expect(try await server.httpLogin("director", RunningServer.demoPassword).token == nil)
        #expect(try await console.send("NET REMOVE \(id)").isOK)
        #expect(try await console.send("NET REMOVE \(id)").code == "NOT_FOUND")
        #expect(try await server.httpLogin("director", RunningServer.demoPassword).token != nil)

        // Admin commands only from 10.20.0.0/16 from now on: this console (127.0.0.1) is refused.
        #expect(try await console.send("NET ALLOW role admin 10.20.0.0/16 admin").isOK)
        let denied = try await console.send("USER LIST")
        #expect(denied.code == "DENIED", "\(denied)")
        #expect(try await console.send("NET LIST").code == "DENIED")
        let other = try AdminConsoleClient(server)
        #expect(try await other.send("AUTH admin \(RunningServer.demoPassword)").code == "DENIED")
        networks = try await console.send("PING")
        #expect(networks.first == "+PONG")
        try await server.stop()
    }

    @Test func sessionsAndShares() async throws {
        let server = try await RunningServer.startDemo()
        let console = try AdminConsoleClient(server)
        try await console.signIn()
        let token = try #require(try await server.httpLogin("manager.msk", RunningServer.demoPassword).token)
        let sessions = try await console.send("SESSION LIST manager.msk")
        #expect(sessions.header.starts(with: ["id", "login", "purpose"]))
        #expect(sessions.rows.count == 1)
        let id = try #require(sessions.rows.first?[0])
        #expect(sessions.rows.first?[2] == "web")
        let all = try await console.send("SESSION LIST")
        #expect(all.rows.contains { $0[1] == "admin" && $0[2] == "console" })
        #expect(try await server.me(token).status == 200)
        #expect(try await console.send("SESSION KILL \(id)").first == "+OK session \(id) ended")
        #expect(try await server.me(token).status == 401)
        #expect(try await console.send("SESSION KILL \(id)").code == "NOT_FOUND")
        #expect(try await console.send("SESSION LIST manager.msk").rows.isEmpty)

        let clientID = try await server.ownerQuery(
            "select min(c.id) from crm.clients c join crm.users u on u.id = c.owner_id where u.login = 'head.spb'")[0]
            .decode(Int64.self, at: 0)
        #expect(try await console.send("SHARE client \(clientID) junior.msk write").isOK)
        #expect(try await console.send("SHARE client \(clientID) junior.msk read").isOK)
        let shares = try await server.ownerQuery(
            """
            select s.access from crm.shares s join crm.users u on u.id = s.user_id
            where s.entity = 'client' and s.row_id = \(clientID) and u.login = 'junior.msk'
            """)
        #expect(shares.count == 1)
        #expect(try shares.first?.decode(String.self, at: 0) == "read")
        #expect(try await console.send("UNSHARE client \(clientID) junior.msk").isOK)
        #expect(try await console.send("UNSHARE client \(clientID) junior.msk").code == "NOT_FOUND")

        // Killing one's own console session signs the console out.
        let own = try await console.send("SESSION LIST admin")
        let ownID = try #require(own.rows.first?[0])
        #expect(try await console.send("SESSION KILL \(ownID)").isOK)
        #expect(try await console.send("USER LIST").code == "NOAUTH")
        try await server.stop()
    }

    @Test func biLoginSeesOnlyItsUsersRows() async throws {
        let server = try await RunningServer.startDemo()
        let console = try AdminConsoleClient(server)
        try await console.signIn()
        let name = "bi_t" + UUID().uuidString.prefix(8).lowercased().replacingOccurrences(of: "-", with: "")
        let password = "bi-password-\(UUID().uuidString.prefix(6))"
        let created = try await console.send("BI CREATE \(name) junior.msk \(password)")
        #expect(created.isOK, "\(created)")
        #expect(try await console.send("BI CREATE \(name) junior.msk \(password)").code == "EXISTS")
        let list = try await console.send("BI LIST")
        #expect(list.rows.contains { $0[0] == name && $0[1] == "junior.msk" })

        let cluster = try await TestPostgres.cluster()
        let database = try await server.ownerQuery("select current_database()")[0].decode(String.self, at: 0)
        let conninfo = "host=\(cluster.socketDirectory) port=5432 user=\(name) password=\(password) dbname=\(database)"
        var logger = Logger(label: "test.bi")
        logger.logLevel = .warning
        let bi = try await PostgresConnection.connect(conninfo, threadPool: server.application.pool.threadPool, logger: logger)
        let seen = try await bi.query("select id from crm.clients order by id").map { try $0.decode(Int64.self, at: 0) }
        await bi.close()
        let own = try await server.ownerQuery(
            """
            select c.id from crm.clients c
            where exists (select 1 from crm.users u where u.login = 'junior.msk' and u.id in (c.owner_id, c.responsible_id))
            order by c.id
            """
        ).map { try $0.decode(Int64.self, at: 0) }
        let total = try await server.ownerQuery("select count(*) from crm.clients")[0].decode(Int64.self, at: 0)
        #expect(!seen.isEmpty)
        #expect(seen == own)
        #expect(Int64(seen.count) < total)

        #expect(try await console.send("BI DROP \(name)").isOK)
        #expect(try await console.send("BI LIST").rows.allSatisfy { $0[0] != name })
        await #expect(throws: (any Error).self) {
            let again = try await PostgresConnection.connect(conninfo, threadPool: server.application.pool.threadPool, logger: logger)
            await again.close()
        }
        // The password never reaches the audit log.
        let audit = try await server.ownerQuery("select count(*) from audit.log where details::text like '%\(password)%'")[0]
            .decode(Int64.self, at: 0)
        #expect(audit == 0)
        try await server.stop()
    }

    @Test func auditTailAndVerifyFindTampering() async throws {
        let server = try await RunningServer.startDemo()
        let console = try AdminConsoleClient(server)
        try await console.signIn()
        #expect(try await console.send("USER PASSWD junior.msk very-secret-password").isOK)
        #expect(try await console.send("ROLE ADD аудитор").isOK)
        #expect(try await console.send("USER LIST").lines.count > 5)

        let tail = try await console.send("AUDIT TAIL 50 action admin_command")
        #expect(tail.header.starts(with: ["id", "time", "user", "ip", "action", "table", "row"]))
        #expect(tail.column("action").allSatisfy { $0 == "admin_command" })
        let details = tail.column("details")
        #expect(details.contains { $0.contains("USER LIST") })
        #expect(details.contains { $0.contains("USER PASSWD") && $0.contains("[redacted]") })
        #expect(!tail.lines.joined().contains("very-secret-password"))
        #expect(tail.column("user").allSatisfy { $0 == "admin" })
        #expect(tail.column("ip").allSatisfy { $0 == "127.0.0.1" })
        let ids = tail.column("id").compactMap(Int.init)
        #expect(ids == ids.sorted(by: >))
        #expect(try await console.send("AUDIT TAIL 3").rows.count == 3)
        let roles = try await console.send("AUDIT TAIL 10 table roles")
        #expect(roles.rows.contains { $0[4] == "insert" && $0[5] == "crm.roles" })
        let byAdmin = try await console.send("AUDIT TAIL 10 user admin")
        #expect((5...10).contains(byAdmin.rows.count))
        #expect(byAdmin.column("user").allSatisfy { $0 == "admin" })

        let intact = try await console.send("AUDIT VERIFY")
        #expect(intact.first.hasPrefix("+OK chain intact: "), "\(intact)")
        let count = Int(intact.first.split(separator: " ").dropLast().last ?? "") ?? 0
        #expect(count > 10)

        let tampered = try await server.ownerQuery(
            "alter table audit.log disable trigger user",
            """
            update audit.log set details = '{"command": "forged"}'
             where id = (select min(id) from audit.log where action = 'admin_command' and seq is not null)
            returning id, seq
            """)
        _ = try await server.ownerQuery("alter table audit.log enable trigger user")
        let (badID, badSeq) = try tampered[0].decode((Int64, Int64).self)
        let verdict = try await console.send("AUDIT VERIFY")
        #expect(verdict.first.hasPrefix("-ERR TAMPERED first bad entry id \(badID) (seq \(badSeq)): "), "\(verdict)")
        #expect(try await console.send("PING").first == "+PONG")
        try await server.stop()
    }
}

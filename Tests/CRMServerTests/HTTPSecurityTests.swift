import CRMServer
import Foundation
import Logging
import PostgresClient
import TestSupport
import Testing

/// The access rules over HTTP, on real sockets, against a fresh database with the demo company.
/// Expected outcomes come from `AccessModel` (the documented rules, computed in Swift from rows
/// read as the owner), never from the server's own answers.
@Suite("HTTP security", .stopsItsServers)
struct HTTPSecurityTests {
    /// The extra rows, shares and personal overrides of the matrix (ids by name).
    struct Scenario {
        var secretClient: Int64 = 0
        var secretContact: Int64 = 0
        var secretDeal: Int64 = 0
        var spbHeadClient: Int64 = 0
        var nevskyClient: Int64 = 0
        var nevskyContact: Int64 = 0
        var nevskyDeal: Int64 = 0
        var tulaPrivateClient: Int64 = 0
    }

    /// Starts a server with the demo company and arranges, as the owner: a private client of
    /// head.msk in Moscow (with a contact and a deal), shares (read, write, a private client
    /// shared), a personal grant and denials. All before anybody logs in (overrides end sessions).
    static func startScenario(poolSize: Int = 4, poolAcquireTimeout: Duration = .seconds(10)) async throws -> (RunningServer, Scenario) {
        let server = try await RunningServer.start(
            poolSize: poolSize, demoPassword: RunningServer.demoPassword, poolAcquireTimeout: poolAcquireTimeout)
        let owner = try await OwnerConnection.open(server)
        defer { owner.close() }
        func id(_ query: PostgresQuery) async throws -> Int64 { try await owner.query(query)[0].decode(Int64.self, at: 0) }
        var s = Scenario()
        let headMsk = try await id("select id from crm.users where login = 'head.msk'")
        let managerMsk = try await id("select id from crm.users where login = 'manager.msk'")
        let junior = try await id("select id from crm.users where login = 'junior.msk'")
        let managerSpb = try await id("select id from crm.users where login = 'manager.spb'")
        let purchaser = try await id("select id from crm.users where login = 'purchaser'")
        let moscow = try await id("select id from crm.territories where name = 'Moscow'")
        s.secretClient = try await id(
            "insert into crm.clients (name, owner_id, territory_id, is_private) values ('ООО «Секрет»', \(headMsk), \(moscow), true) returning id"
        )
        s.secretContact = try await id(
            "insert into crm.contacts (client_id, name) values (\(s.secretClient), 'Тайный Контакт') returning id")
        s.secretDeal = try await id(
            "insert into crm.deals (title, client_id, owner_id, amount) values ('Секретная сделка', \(s.secretClient), \(headMsk), 1) returning id"
        )
        s.spbHeadClient = try await id("select id from crm.clients where name = 'АО «Петербургский мелькомбинат»'")
        s.nevskyClient = try await id("select id from crm.clients where name = 'ООО «Невский пекарь»'")
        s.nevskyContact = try await id("select id from crm.contacts where client_id = \(s.nevskyClient)")
        s.nevskyDeal = try await id(
            "select id from crm.deals where client_id = \(s.nevskyClient) and stage_id = crm_private.default_stage('proposal')")
        s.tulaPrivateClient = try await id("select id from crm.clients where name = 'ООО «Тульские пряники»'")
        try await owner.query(
            """
            insert into crm.shares (entity, row_id, user_id, access) values
              ('client', \(s.spbHeadClient), \(managerMsk), 'read'),
              ('client', \(s.nevskyClient), \(junior), 'read'),
              ('deal', \(s.nevskyDeal), \(junior), 'write'),
              ('client', \(s.secretClient), \(managerSpb), 'read')
            """)
        try await owner.query(
            """
            insert into crm.user_permission_overrides (user_id, entity, action, effect, scope) values
              (\(junior), 'task', 'read', 'grant', 'department'),
              (\(junior), 'deal', 'update', 'grant', 'own'),
              (\(managerMsk), 'contact', 'read', 'deny', null),
              (\(purchaser), 'client', 'create', 'deny', null)
            """)
        return (server, s)
    }

    static func loginAll(_ server: RunningServer) async throws -> [String: String] {
        var tokens: [String: String] = [:]
        for login in DemoRoles.logins { tokens[login] = try await server.token(login) }
        return tokens
    }

    /// Runs `work` for every demo user concurrently and gathers the mismatches it reports.
    static func forEveryUser(_ work: @escaping @Sendable (String) async throws -> [String]) async throws -> [String] {
        try await withThrowingTaskGroup(of: [String].self) { group in
            for login in DemoRoles.logins { group.addTask { try await work(login) } }
            var all: [String] = []
            for try await found in group { all += found }
            return all.sorted()
        }
    }

    @Test("every demo user × entity × action over HTTP matches the documented rules")
    func permissionMatrix() async throws {
        let (server, scenario) = try await Self.startScenario()
        let owner = try await OwnerConnection.open(server)
        defer { owner.close() }
        let tokens = try await Self.loginAll(server)
        var facts = try await AccessFacts.load(owner.connection)

        // The model is not vacuous: the arranged cases say what the rules say.
        #expect(facts.visibleIDs("manager.msk", .client).contains(scenario.spbHeadClient))  // read share
        #expect(!facts.visibleIDs("manager.msk", .client).contains(scenario.secretClient))  // private, territory manager
        #expect(facts.visibleIDs("manager.msk", .deal).contains(scenario.secretDeal))  // the deal is not private
        #expect(facts.visibleIDs("manager.msk", .contact).isEmpty)  // denial wins over scope and shares
        #expect(facts.visibleIDs("manager.spb", .client).contains(scenario.secretClient))  // a share opens a private client
        #expect(facts.visibleIDs("junior.msk", .contact).contains(scenario.nevskyContact))  // a client share opens its contacts
        #expect(facts.canUpdate("junior.msk", .deal, facts.row(.deal, scenario.nevskyDeal)!))  // write share
        #expect(!facts.canDelete("junior.msk", .deal, facts.row(.deal, scenario.nevskyDeal)!))
        #expect(!facts.visibleIDs("head.msk", .client).contains(scenario.tulaPrivateClient))  // private even in department
        #expect(facts.visibleIDs("director", .client).contains(scenario.tulaPrivateClient))
        #expect(!facts.visibleIDs("accountant", .client).contains(scenario.secretClient))  // read all is not private access
        #expect(facts.visibleIDs("junior.msk", .task).count > facts.rows[.task]!.filter { $0.owner == facts.user("junior.msk") }.count)
        #expect(facts.visibleIDs("admin", .deal).isEmpty)
        #expect(facts.visibleIDs("procurement.head", .deal).count == 2)  // department subtree: purchaser's deals

        // Lists: exactly the permitted rows.
        let listFacts = facts
        var mismatches = try await Self.forEveryUser { login in
            var found: [String] = []
            for entity in Entity.allCases {
                let response = try await server.call("GET", "/api/v1/\(entity.path)", token: tokens[login])
                let expected = listFacts.visibleIDs(login, entity)
                let got = JSON.ids(response.body)
                // Newest first: the demo rows share one created_at, later rows are newer, so ids descend.
                if response.status != 200 || Set(got) != expected || got.count != expected.count || got != got.sorted(by: >) {
                    found.append("\(login) list \(entity.path): \(response.status) got \(got.sorted()) expected \(expected.sorted())")
                }
            }
            return found
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")

        // Create: the new row must fall in the create scope; a contact's rules are its client's.
        let createFacts = facts
        mismatches = try await Self.forEveryUser { login in
            var found: [String] = []
            let uid = createFacts.user(login)
            for entity in Entity.allCases {
                var body: String
                switch entity {
                case .client: body = #"{"name": "Новый \#(login)"}"#
                case .deal: body = #"{"title": "Новая запись \#(login)", "amount": "1234.56"}"#
                default: body = #"{"title": "Новая запись \#(login)"}"#
                }
                // The new row: owned by (and responsible/assigned to) the user, in the user's department.
                // The API answers with the created row, so the user must also be able to read it.
                let department = createFacts.departmentIDs[DemoRoles.users[login]!.department]
                let newRow = RuleRow(id: -1, owner: uid, second: uid, department: department, territory: nil, isPrivate: false)
                var expected =
                    createFacts.scopeAdmits(login, entity, .create, newRow) && createFacts.canRead(login, entity, newRow) ? 201 : 403
                if entity == .contact {
                    let clients = createFacts.rows[.client]!.sorted { $0.id < $1.id }
                    let client =
                        clients.first { $0.owner == uid }
                        ?? clients.first { createFacts.canRead(login, .client, $0) } ?? clients[0]
                    body = #"{"client_id": \#(client.id), "name": "Контакт \#(login)", "emails": ["a@b.ru"]}"#
                    var asContact = client
                    asContact.id = -1
                    asContact.clientID = client.id
                    expected =
                        !createFacts.canRead(login, .client, client)
                        ? 422
                        : createFacts.scopeAdmits(login, .contact, .create, asContact) && createFacts.canRead(login, .contact, asContact)
                            ? 201 : 403
                }
                let response = try await server.call("POST", "/api/v1/\(entity.path)", token: tokens[login], body: body)
                if response.status != expected {
                    found.append("\(login) create \(entity.path): \(response.status) expected \(expected) \(response.body)")
                } else if expected == 201, entity != .contact, (JSON.object(response.body)["owner_id"] as? NSNumber)?.int64Value != uid {
                    found.append("\(login) create \(entity.path): owner is not the acting user: \(response.body)")
                } else if expected == 403, JSON.errorCode(response.body) != "forbidden" {
                    found.append("\(login) create \(entity.path): error body \(response.body)")
                }
            }
            return found
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")

        // Read one and update, on every row (including the new ones).
        facts = try await AccessFacts.load(owner.connection)
        let rowFacts = facts
        mismatches = try await Self.forEveryUser { login in
            var found: [String] = []
            for entity in Entity.allCases {
                for row in rowFacts.rows[entity]! {
                    let path = "/api/v1/\(entity.path)/\(row.id)"
                    let shown = try await server.call("GET", path, token: tokens[login])
                    let readable = rowFacts.canRead(login, entity, row)
                    if shown.status != (readable ? 200 : 404) || (readable && JSON.id(shown.body) != row.id) {
                        found.append("\(login) GET \(path): \(shown.status) expected \(readable ? 200 : 404)")
                    }
                    let patch: String
                    switch entity {
                    case .client: patch = #"{"notes": "проверено: \#(login)"}"#
                    case .contact: patch = #"{"position": "Менеджер"}"#
                    case .deal: patch = #"{"probability": 55}"#
                    case .task: patch = #"{"status": "open"}"#
                    }
                    let updated = try await server.call("PATCH", path, token: tokens[login], body: patch)
                    let expected = rowFacts.canUpdate(login, entity, row) ? 200 : readable ? 403 : 404
                    if updated.status != expected {
                        found.append("\(login) PATCH \(path): \(updated.status) expected \(expected) \(updated.body)")
                    }
                }
            }
            return found
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")

        // Delete, first every refusal (nothing may disappear), then each deletable row once.
        mismatches = try await Self.forEveryUser { login in
            var found: [String] = []
            for entity in Entity.allCases {
                for row in rowFacts.rows[entity]! where !rowFacts.canDelete(login, entity, row) {
                    let path = "/api/v1/\(entity.path)/\(row.id)"
                    let response = try await server.call("DELETE", path, token: tokens[login])
                    let expected = rowFacts.canRead(login, entity, row) ? 403 : 404
                    if response.status != expected { found.append("\(login) DELETE \(path): \(response.status) expected \(expected)") }
                }
            }
            return found
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        let before = try await AccessFacts.load(owner.connection)
        for entity in Entity.allCases {
            #expect(before.rows[entity]!.count == rowFacts.rows[entity]!.count, "refused deletes removed \(entity) rows")
        }
        var deletedBy: [String: Int] = [:]
        for entity in [Entity.task, .deal, .contact, .client] {
            for row in rowFacts.rows[entity]! {
                let deleters = DemoRoles.logins.filter { rowFacts.canDelete($0, entity, row) }
                guard let login = deleters.first(where: { $0 != "director" }) ?? deleters.first else { continue }
                let response = try await server.call("DELETE", "/api/v1/\(entity.path)/\(row.id)", token: tokens[login])
                #expect(response.status == 204, "\(login) DELETE \(entity.path)/\(row.id): \(response.status) \(response.body)")
                deletedBy[login, default: 0] += 1
                let again = try await server.call("GET", "/api/v1/\(entity.path)/\(row.id)", token: tokens["director"])
                #expect(again.status == 404)
            }
        }
        #expect(
            deletedBy["head.msk", default: 0] > 0 && deletedBy["head.spb", default: 0] > 0 && deletedBy["procurement.head", default: 0] > 0)
        try await server.stop()
    }

    @Test("a BI login sees exactly its user's rows, cannot write, cannot change identity")
    func biLogin() async throws {
        let (server, _) = try await Self.startScenario()
        let owner = try await OwnerConnection.open(server)
        defer { owner.close() }
        let facts = try await AccessFacts.load(owner.connection)
        let cluster = try await TestPostgres.cluster()
        let database = server.ownerConninfo.split(separator: " ").first { $0.hasPrefix("dbname=") }!.dropFirst("dbname=".count)
        var logger = Logger(label: "test.bi")
        logger.logLevel = .warning
        for login in ["manager.msk", "junior.msk", "head.spb"] {
            let role = "bi_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
            try await owner.query("select crm_private.create_bi_login(\(role), \(facts.user(login)), 'pw-0123456789')")
            let bi = try await PostgresConnection.connect(
                "host=\(cluster.socketDirectory) port=5432 user=\(role) password=pw-0123456789 dbname=\(database)",
                threadPool: server.application.pool.threadPool, logger: logger)
            defer { bi.close() }
            let token = try await server.token(login)
            for entity in Entity.allCases {
                let http = Set(JSON.ids(try await server.call("GET", "/api/v1/\(entity.path)", token: token).body))
                let table = "crm.\(entity.path)"
                let direct = Set(
                    try await bi.query(PostgresQuery(unsafeSQL: "select id from \(table)")).map { try $0.decode(Int64.self, at: 0) })
                #expect(direct == http, "\(login) \(table): BI \(direct.sorted()) HTTP \(http.sorted())")
                #expect(direct == facts.visibleIDs(login, entity))
            }
            // Pretending to be the director changes nothing.
            let director = facts.user("director")
            _ = try? await bi.query(PostgresQuery(unsafeSQL: "set crm.user_id = '\(director)'"))
            _ = try? await bi.query(
                PostgresQuery(unsafeSQL: #"set crm.context = '{"uid": \#(director), "scopes": {"deal.read": 4}, "private": true}'"#))
            let after = Set(try await bi.query("select id from crm.deals").map { try $0.decode(Int64.self, at: 0) })
            #expect(after == facts.visibleIDs(login, .deal))
            // No writes, even with read-only transactions switched off.
            await #expect(throws: PostgresError.self) { try await bi.query("insert into crm.clients (name) values ('BI')") }
            _ = try? await bi.query("set default_transaction_read_only = off")
            await #expect(throws: PostgresError.self) { try await bi.query("insert into crm.clients (name) values ('BI')") }
            await #expect(throws: PostgresError.self) { try await bi.query("update crm.deals set title = 'x'") }
            await #expect(throws: PostgresError.self) { try await bi.query("delete from crm.tasks") }
            await #expect(throws: PostgresError.self) { try await bi.query("set role crm_user") }
        }
        try await server.stop()
    }

    @Test("validation errors name every wrong field; money is exact; Cyrillic text is intact")
    func validationAndMoney() async throws {
        let server = try await RunningServer.start(demoPassword: RunningServer.demoPassword)
        let token = try await server.token("manager.msk")
        var response = try await server.call(
            "POST", "/api/v1/deals", token: token, body: #"{"title": " ", "amount": "12.345", "currency": "rub", "client_id": 999999}"#)
        #expect(response.status == 422)
        let fields = (JSON.object(response.body)["error"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []
        #expect(Set(fields.compactMap { $0["field"] as? String }) == ["title", "amount", "currency", "client_id"])
        response = try await server.call(
            "POST", "/api/v1/deals", token: token, body: #"{"title": "Поставка «Муки» №1", "amount": "12345678901234.56"}"#)
        #expect(response.status == 201)
        #expect(response.body.contains("Поставка «Муки» №1"))
        #expect(response.body.contains("12345678901234.56"))
        let id = try #require(JSON.id(response.body))
        response = try await server.call("PATCH", "/api/v1/deals/\(id)", token: token, body: #"{"amount": 0.1, "stage_id": 0}"#)
        #expect(response.status == 422)
        response = try await server.call("PATCH", "/api/v1/deals/\(id)", token: token, body: #"{"amount": 0.1}"#)
        #expect(response.status == 200)
        #expect(response.body.contains(#""amount":"0.10""#))
        // The list stops at the newest 50.
        for index in 0..<50 {
            response = try await server.call("POST", "/api/v1/deals", token: token, body: #"{"title": "Сделка \#(index)"}"#)
            #expect(response.status == 201)
        }
        response = try await server.call("GET", "/api/v1/deals", token: token)
        let listed = JSON.ids(response.body)
        #expect(listed.count == 50)
        #expect(listed == listed.sorted(by: >))
        #expect(!listed.contains(id), "the deal made before the 50 new ones is older than all of them")
        response = try await server.call("POST", "/api/v1/deals", token: nil, body: "not json")
        #expect(response.status == 401)
        response = try await server.call("POST", "/api/v1/deals", token: token, body: "not json")
        #expect(response.status == 400)
        response = try await server.call("GET", "/api/v1/deals/abc", token: token)
        #expect(response.status == 404)
        response = try await server.call("GET", "/api/v1/deals", token: nil)
        #expect(response.status == 401)
        response = try await server.call("POST", "/api/v1/contacts", token: token, body: #"{"emails": ["nope"]}"#)
        #expect(response.status == 422)
        let contactFields = (JSON.object(response.body)["error"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []
        #expect(Set(contactFields.compactMap { $0["field"] as? String }) == ["client_id", "name", "emails"])
        try await server.stop()
    }
}

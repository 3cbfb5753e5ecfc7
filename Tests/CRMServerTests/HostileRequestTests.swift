import Foundation
import Logging
import PostgresClient
import TestSupport
import Testing

/// What an outsider or a signed-in user attacking the server sends: malformed parameter names,
/// NULs, out-of-range times, forged cursors, overflowing money, credentials that should have
/// died, active content in downloads. None may end the process or answer 500.
@Suite("Hostile requests", .stopsItsServers) struct HostileRequestTests {
    /// The list endpoints of the served OpenAPI document (GET without a path parameter).
    static func listPaths(_ server: RunningServer) async throws -> [String] {
        let document = JSON.object(try await server.get("/api/v1/openapi.json").body)
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        return paths.filter { path, operations in
            !path.contains("{") && operations["get"] != nil && path.hasPrefix("/api/v1/") && !path.hasSuffix("/events")
                && !path.hasSuffix("openapi.json")
        }.keys.sorted()
    }

    @Test("empty and dotted parameter names on every list: 422, and the server lives on")
    func emptyParameterNames() async throws {
        let server = try await RunningServer.start(demo: true)
        let token = try await server.token("manager.msk")
        let lists = try await Self.listPaths(server)
        #expect(lists.count > 20, "\(lists)")
        for path in lists {
            for query in ["=1", ".=1", "..=1", "name.=1", "=", "&&", "%00=1", "a%00b=1", ".gte=1"] {
                let response = try await server.call("GET", "\(path)?\(query)", token: token)
                #expect(response.status < 500, "\(path)?\(query): \(response.status) \(response.body)")
            }
        }
        let products = try await server.call("GET", "/api/v1/products?=1", token: token)
        #expect(products.status == 422)
        #expect(products.body.contains("(empty parameter name)"), "\(products.body)")
        #expect(try await server.get("/health").status == 200)
        try await server.stop()
    }

    @Test("timestamps with an offset out of range, forged cursors, NULs, overflowing lines: 422 naming the field")
    func badValues() async throws {
        let server = try await RunningServer.start(demo: true)
        let token = try await server.token("manager.msk")
        let bad = urlQuery("1510-01-24T03:13:45-17:47")
        for path in try await Self.listPaths(server) {
            let response = try await server.call("GET", "\(path)?created_at.lt=\(bad)", token: token)
            #expect(response.status < 500, "\(path): \(response.status) \(response.body)")
        }
        for resource in ["deals", "tasks", "clients", "contacts", "invoices", "payments", "interactions", "files", "deal-lines"] {
            let response = try await server.call("GET", "/api/v1/\(resource)?created_at.lt=\(bad)", token: token)
            #expect(response.status == 422, "\(resource): \(response.status) \(response.body)")
        }
        var response = try await server.call("GET", "/api/v1/deals?created_at.lt=\(bad)", token: token)
        #expect(response.status == 422)
        #expect(APIResponse(response).fieldErrors["created_at.lt"] != nil, "\(response.body)")
        response = try await server.call(
            "POST", "/api/v1/tasks", token: token, body: #"{"title": "Позвонить", "due_at": "2026-12-01T10:00:00+16:00"}"#)
        #expect(response.status == 422)
        #expect(APIResponse(response).fieldErrors["due_at"] != nil, "\(response.body)")

        // Forged cursors: the right sort, a value that is not one.
        for (sort, value) in [("-created_at", "not a time"), ("id", "x"), ("-created_at", "2026-13-45 99:00:00+00"), ("amount", "1e99999")]
        {
            let cursor = Data("\(sort)\n\(value)\n1".utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            response = try await server.call("GET", "/api/v1/deals?sort=\(sort)&cursor=\(cursor)", token: token)
            #expect(response.status == 422, "\(sort) \(value): \(response.status) \(response.body)")
            #expect(APIResponse(response).fieldErrors["cursor"] != nil)
        }

        // NUL characters anywhere in a body: refused before SQL, naming where.
        response = try await server.post("/api/v1/auth/login", body: #"{"login": "manager.msk\u0000", "password": "x"}"#)
        #expect(response.status == 422, "\(response.body)")
        #expect(APIResponse(response).fieldErrors["login"] != nil)
        let admin = try await server.token("admin")
        response = try await server.call(
            "POST", "/api/v1/custom-fields", token: admin,
            body: #"{"pipeline_id": 1, "key": "x", "label": "Поле", "type": "text", "default_value": "a\u0000b"}"#)
        #expect(response.status == 422, "\(response.body)")
        #expect(APIResponse(response).fieldErrors["default_value"] != nil, "\(response.body)")
        response = try await server.call("POST", "/api/v1/deals", token: token, body: #"{"title": "Т", "custom_fields": {"a\u0000": 1}}"#)
        #expect(response.status == 422, "\(response.body)")
        #expect(APIResponse(response).fieldErrors.keys.contains { $0.hasPrefix("custom_fields.a") }, "\(response.body)")

        // Money with leading zeros is normalised; a line whose quantity × price overflows is refused.
        let deal = try await APIClient(server: server, token: token).create(
            "/api/v1/deals", #"{"title": "Линии", "amount": "000000000000000000001.50"}"#)
        response = try await server.call("GET", "/api/v1/deals/\(deal)", token: token)
        #expect(response.body.contains(#""amount":"1.50""#), "\(response.body)")
        let product = try await ownerQuery(server, "insert into crm.products (name, price) values ('Мука', 10) returning id")
        let productID = try #require(product.first).decode(Int64.self, at: 0)
        response = try await server.call(
            "POST", "/api/v1/deal-lines", token: token,
            body:
                #"{"deal_id": \#(deal), "product_id": \#(productID), "quantity": "000999999999999.999", "price": "0009999999999999999.99"}"#
        )
        #expect(response.status == 422, "\(response.body)")
        #expect(APIResponse(response).fieldErrors["price"]?.contains("10^16") == true, "\(response.body)")
        let lines = try await ownerQuery(server, "select count(*) from crm.deal_lines where deal_id = \(deal)")
        #expect(try lines[0].decode(Int64.self, at: 0) == 0)
        #expect(try await server.get("/health").status == 200)
        try await server.stop()
    }

    @Test("a password reset ends every session and revokes the API tokens; DISABLE then ENABLE revives no token")
    func passwordResetEndsCredentials() async throws {
        let server = try await RunningServer.startDemo()
        let console = try AdminConsoleClient(server)
        try await console.signIn()
        let session = try await server.token("manager.msk")
        let apiToken = try #require(
            JSON.object(try await server.call("POST", "/api/v1/tokens", token: session, body: #"{"name": "1С"}"#).body)["token"] as? String)
        #expect(try await server.me(apiToken).status == 200)
        let reply = try await console.send("USER PASSWD manager.msk brand-new-password-1")
        #expect(reply.isOK, "\(reply)")
        #expect(reply.first.contains("API token"), "\(reply)")
        #expect(try await server.me(session).status == 401)
        #expect(try await server.me(apiToken).status == 401)
        let reasons = try await ownerQuery(
            server,
            "select string_agg(distinct revoked_reason, ',') from crm_private.api_tokens where user_id = (select id from crm.users where login = 'manager.msk')"
        )
        #expect(try reasons[0].decode(String?.self, at: 0) == "password_changed")

        let fresh = try #require(try await server.httpLogin("manager.msk", "brand-new-password-1").token)
        let second = try #require(
            JSON.object(try await server.call("POST", "/api/v1/tokens", token: fresh, body: #"{"name": "BI"}"#).body)["token"] as? String)
        #expect(try await server.me(second).status == 200)
        #expect(try await console.send("USER DISABLE manager.msk").isOK)
        #expect(try await console.send("USER ENABLE manager.msk").isOK)
        #expect(try await server.me(second).status == 401)
        #expect(try await server.me(fresh).status == 401)
        #expect(try await server.httpLogin("manager.msk", "brand-new-password-1").token != nil)
        try await server.stop()
    }

    @Test("another user's API token: 404 like a missing one; duplicate names 409")
    func otherUsersTokens() async throws {
        let server = try await RunningServer.startDemo()
        let manager = try await server.token("manager.msk")
        let other = try await server.token("manager.spb")
        let created = JSON.object(try await server.call("POST", "/api/v1/tokens", token: manager, body: #"{"name": "Интеграция"}"#).body)
        let id = try #require((created["id"] as? NSNumber)?.int64Value)
        #expect(try await server.call("POST", "/api/v1/tokens", token: manager, body: #"{"name": "Интеграция"}"#).status == 409)
        let foreign = try await server.call("DELETE", "/api/v1/tokens/\(id)", token: other)
        let missing = try await server.call("DELETE", "/api/v1/tokens/999999", token: other)
        #expect(foreign.status == 404)
        #expect(missing.status == 404)
        #expect(JSON.object(foreign.body)["error"].map { "\($0)" }?.contains("no such token") == true)
        #expect(try await server.me(try #require(created["token"] as? String)).status == 200)
        try await server.stop()
    }

    @Test("downloads: nosniff everywhere, active types as octet-stream, empty and control-character uploads refused")
    func downloads() async throws {
        let server = try await RunningServer.start(demo: true)
        let token = try await server.token("manager.msk")
        for path in ["/health", "/no/such/page", "/api/v1/deals"] {
            #expect(try await server.get(path).headers["x-content-type-options"] == "nosniff", "\(path)")
        }
        let client = try await APIClient(server: server, token: token).create("/api/v1/clients", #"{"name": "ООО «Файлы»"}"#)
        for (type, served) in [
            ("text/html", "application/octet-stream"), ("image/svg+xml", "application/octet-stream"),
            ("application/xml", "application/octet-stream"), ("application/pdf", "application/pdf"),
        ] {
            let upload = try await server.call(
                "POST", "/api/v1/files?name=page.bin&client_id=\(client)", token: token,
                body: "<script>alert(1)</script>", headers: ["Content-Type": type])
            #expect(upload.status == 201, "\(type): \(upload.body)")
            let id = try #require(JSON.id(upload.body))
            let download = try await server.call("GET", "/api/v1/files/\(id)/content", token: token)
            #expect(download.headers["content-type"] == served, "\(type)")
            #expect(download.headers["content-disposition"]?.hasPrefix("attachment") == true)
            #expect(download.headers["x-content-type-options"] == "nosniff")
        }
        var response = try await server.call(
            "POST", "/api/v1/files?name=empty.txt&client_id=\(client)", token: token, headers: ["Content-Type": "text/plain"])
        #expect(response.status == 422, "\(response.body)")
        response = try await server.call(
            "POST", "/api/v1/files?name=\(urlQuery("a\tb.txt"))&client_id=\(client)", token: token, body: "x",
            headers: ["Content-Type": "text/plain"])
        #expect(response.status == 422, "\(response.body)")
        #expect(!response.body.contains("files_name_check"))
        response = try await server.call("POST", "/api/v1/files?name=x.txt", token: token, body: "x", headers: ["Content-Type": ";"])
        #expect(response.status == 422, "\(response.body)")
        #expect(try await server.request("TRACE", "/api/v1/deals").status == 405)
        #expect(try await server.request("TRACE", "/").status == 405)
        try await server.stop()
    }

    @Test("a deal is handed over only within one's scope")
    func handover() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let head = try await APIClient.signIn(server, "head.msk")
        func user(_ login: String) async throws -> Int64 {
            try await ownerQuery(server, "select id from crm.users where login = \(login)")[0].decode(Int64.self, at: 0)
        }
        func territory(_ name: String) async throws -> Int64 {
            try await ownerQuery(server, "select id from crm.territories where name = \(name)")[0].decode(Int64.self, at: 0)
        }
        let deal = try await manager.create("/api/v1/deals", #"{"title": "Передача", "amount": "10"}"#)
        let spb = try await user("manager.spb")
        let junior = try await user("junior.msk")
        for body in [
            #"{"responsible_id": \#(spb)}"#, #"{"owner_id": \#(spb)}"#, #"{"territory_id": \#(try await territory("St Petersburg"))}"#,
        ] {
            let response = try await manager.patch("/api/v1/deals/\(deal)", body)
            #expect(response.status == 403, "\(body): \(response.text)")
        }
        // The manager (update: own) keeps the deal himself; the head (update: department) hands
        // it to a user of his department, not to another department's.
        #expect(try await manager.patch("/api/v1/deals/\(deal)", #"{"responsible_id": \#(junior)}"#).status == 403)
        #expect(try await head.patch("/api/v1/deals/\(deal)", #"{"responsible_id": \#(junior)}"#).status == 200)
        #expect(try await head.patch("/api/v1/deals/\(deal)", #"{"responsible_id": \#(spb)}"#).status == 403)
        let row = try await ownerQuery(server, "select responsible_id, territory_id from crm.deals where id = \(deal)")
        #expect(try row[0].decode(Int64?.self, at: 0) == junior)
        try await server.stop()
    }

    @Test("a BI login that changes its own settings sees nothing")
    func biLoginSettings() async throws {
        let server = try await RunningServer.start(demo: true)
        let owner = try await OwnerConnection.open(server)
        defer { owner.close() }
        let role = "bi_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try await owner.query(
            "select crm_private.create_bi_login(\(role), (select id from crm.users where login = 'director'), 'pw-0123456789')")
        let cluster = try await TestPostgres.cluster()
        let database = server.ownerConninfo.split(separator: " ").first { $0.hasPrefix("dbname=") }!.dropFirst("dbname=".count)
        let conninfo = "host=\(cluster.socketDirectory) port=5432 user=\(role) password=pw-0123456789 dbname=\(database)"
        func count() async throws -> Int64 {
            let bi = try await PostgresConnection.connect(
                conninfo, threadPool: server.application.pool.threadPool, logger: .init(label: "bi"))
            defer { bi.close() }
            return try await bi.query("select count(*) from crm.deals")[0].decode(Int64.self, at: 0)
        }
        let before = try await count()
        #expect(before > 0)
        let bi = try await PostgresConnection.connect(conninfo, threadPool: server.application.pool.threadPool, logger: .init(label: "bi"))
        _ = try await bi.query("set default_transaction_read_only = off")
        _ = try await bi.query(PostgresQuery(unsafeSQL: "alter role \(role) set default_transaction_read_only = off"))
        await bi.close()
        #expect(try await count() == 0)
        _ = try await owner.query(PostgresQuery(unsafeSQL: "alter role \(role) set default_transaction_read_only = on"))
        #expect(try await count() == before)
        let other = try await PostgresConnection.connect(
            conninfo, threadPool: server.application.pool.threadPool, logger: .init(label: "bi"))
        _ = try await other.query("set default_transaction_read_only = off")
        _ = try await other.query(PostgresQuery(unsafeSQL: "alter role \(role) in database \(database) set work_mem = '64MB'"))
        await other.close()
        #expect(try await count() == 0)
        try await server.stop()
    }
}

/// The users behind the people ids (issue 9): read only, names and departments, no secrets.
@Suite("Users API", .stopsItsServers) struct UsersAPITests {
    @Test("colleagues' names, departments and territories; nothing written, no password hashes")
    func users() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let list = try await manager.get("/api/v1/users?limit=100")
        #expect(list.status == 200, "\(list.text)")
        let head = try #require(list.items.first { $0["login"] as? String == "head.msk" })
        #expect(head["name"] as? String == "Ольга Николаевна Кузнецова")
        #expect(head["department"] as? String == "Moscow sales")
        // Territories show as the row rules allow: one's own at least.
        let me = try #require(list.items.first { $0["login"] as? String == "manager.msk" })
        #expect((me["territory_ids"] as? [Any])?.count == 1, "\(me)")
        #expect(!list.text.contains("password") && !list.text.contains("pbkdf2"))
        let id = try #require((head["id"] as? NSNumber)?.int64Value)
        #expect(try await manager.get("/api/v1/users/\(id)").string("name") == "Ольга Николаевна Кузнецова")
        #expect(try await manager.get("/api/v1/users?q=\(urlQuery("Кузнецова"))").items.count == 1)
        // No write routes: the console manages users.
        #expect([404, 405].contains(try await manager.post("/api/v1/users", #"{"login": "x", "name": "X"}"#).status))
        #expect([404, 405].contains(try await manager.patch("/api/v1/users/\(id)", #"{"name": "X"}"#).status))
        #expect(try await manager.get("/api/v1/users/\(id)").string("name") == "Ольга Николаевна Кузнецова")
        try await server.stop()
    }

    @Test("lists that show people carry their names next to the ids, read-only, as the users' rules show them")
    func namesNextToIDs() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let users = try await manager.get("/api/v1/users?limit=100").items
        var names: [Int64: String] = [:]
        for user in users { if let id = (user["id"] as? NSNumber)?.int64Value { names[id] = user["name"] as? String } }
        let deals = try await manager.get("/api/v1/deals?limit=50")
        #expect(deals.items.count > 5, "\(deals.text)")
        for deal in deals.items {
            let owner = try #require((deal["owner_id"] as? NSNumber)?.int64Value)
            #expect(deal["owner_name"] as? String == names[owner], "\(deal)")
            if let responsible = (deal["responsible_id"] as? NSNumber)?.int64Value {
                #expect(deal["responsible_name"] as? String == names[responsible], "\(deal)")
            }
        }
        let tasks = try await manager.get("/api/v1/tasks?limit=20").items
        #expect(!tasks.isEmpty)
        for task in tasks {
            let assignee = try #require((task["assignee_id"] as? NSNumber)?.int64Value)
            #expect(task["assignee_name"] as? String == names[assignee], "\(task)")
        }
        // The client card names its people too.
        let clients = deals.items.compactMap { ($0["client_id"] as? NSNumber)?.int64Value }
        let client = try #require(clients.first)
        let card = try await manager.get("/api/v1/clients/\(client)/card")
        let cardClient = try #require(card["client"] as? [String: Any])
        let cardOwner = try #require((cardClient["owner_id"] as? NSNumber)?.int64Value)
        #expect(cardClient["owner_name"] as? String == names[cardOwner], "\(card.text)")
        for openDeal in card["open_deals"] as? [[String: Any]] ?? [] {
            let owner = try #require((openDeal["owner_id"] as? NSNumber)?.int64Value)
            #expect(openDeal["owner_name"] as? String == names[owner], "\(openDeal)")
        }
        let deal = try #require(deals.ids.first)
        let response = try await manager.patch("/api/v1/deals/\(deal)", #"{"owner_name": "Кто-то другой"}"#)
        #expect(response.status == 422 && response.fieldErrors["owner_name"] == "read-only: set by the server", "\(response.text)")
        try await server.stop()
    }
}

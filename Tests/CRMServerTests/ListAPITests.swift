import Foundation
import PostgresClient
import Testing

/// List endpoints: filters (equality, sets, ranges, null), sorting, keyset cursors that walk
/// every row exactly once, limits, counts on request only, clear 422s for bad parameters, and
/// only rows the acting user may see, for every list endpoint.
@Suite("Lists", .serialized, .stopsItsServers)
struct ListAPITests {
    @Test("filters, sort and keyset cursors walk every matching row once, in order")
    func filtersAndCursors() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Листинг»"}"#)
        var created: [Int64: Int] = [:]
        for index in 0..<37 {
            let amount = (index % 7) * 1000
            let id = try await manager.create(
                "/api/v1/deals", #"{"title": "Лист \#(index)", "client_id": \#(client), "amount": "\#(amount).00"}"#)
            created[id] = amount
        }
        // Equality, ranges, pages of 10 by -amount: every row once, ordered by (amount, id) descending.
        var seen: [(Int64, Int)] = []
        var cursor: String?
        var pages = 0
        repeat {
            var path = "/api/v1/deals?client_id=\(client)&amount.gte=1000&amount.lt=6000&sort=-amount&limit=10"
            if let cursor { path += "&cursor=\(urlQuery(cursor))" }
            let response = try await manager.get(path)
            #expect(response.status == 200, "\(response.text)")
            for item in response.items {
                let id = (item["id"] as! NSNumber).int64Value
                seen.append((id, Int(Double(item["amount"] as! String)!)))
            }
            cursor = response.json["next_cursor"] as? String
            pages += 1
        } while cursor != nil && pages < 20
        let expected = created.filter { $0.value >= 1000 && $0.value < 6000 }
            .sorted { ($0.value, $0.key) > ($1.value, $1.key) }.map { ($0.key, $0.value) }
        #expect(seen.map(\.0) == expected.map(\.0))
        #expect(pages == (expected.count + 9) / 10)
        // Sets and counts.
        var response = try await manager.get("/api/v1/deals?client_id=\(client)&amount=0.00&amount=3000&count=true&limit=1")
        #expect(response.int("count") == Int64(created.values.filter { $0 == 0 || $0 == 3000 }.count))
        #expect(response.items.count == 1)
        #expect(response["next_cursor"] is String)
        response = try await manager.get("/api/v1/deals?client_id=\(client)")
        #expect(response["count"] == nil, "no count unless asked")
        #expect(response.ids == response.ids.sorted(by: >), "newest first by default")
        // Null filters and time ranges.
        response = try await manager.get(
            "/api/v1/deals?client_id=\(client)&closed_at.null=true&created_at.gte=2000-01-01T00:00:00Z&limit=500")
        #expect(Set(response.ids) == Set(created.keys))
        response = try await manager.get("/api/v1/deals?client_id=\(client)&closed_at.null=false")
        #expect(response.ids.isEmpty)
        // Bad parameters: every one named.
        response = try await manager.get("/api/v1/deals?colour=red&amount.gte=lots&sort=colour&limit=0&cursor=abc&created_at.lt=yesterday")
        #expect(response.status == 422)
        #expect(Set(response.fieldErrors.keys) == ["colour", "amount.gte", "sort", "limit", "cursor", "created_at.lt"], "\(response.text)")
        response = try await manager.get("/api/v1/deals?cursor=abc")
        #expect(response.status == 422)
        #expect(response.fieldErrors["cursor"] != nil)
        // A cursor made for another sort is refused.
        let page = try await manager.get("/api/v1/deals?sort=amount&limit=1")
        let other = try #require(page.json["next_cursor"] as? String)
        response = try await manager.get("/api/v1/deals?sort=-created_at&cursor=\(urlQuery(other))")
        #expect(response.status == 422)
        try await server.stop()
    }

    @Test("saved filters: own, validated, applied with saved_filter=ID, overridden by explicit parameters")
    func savedFilters() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let other = try await APIClient.signIn(server, "manager.spb")
        let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Фильтры»"}"#)
        for amount in [100, 200, 300] {
            _ = try await manager.create("/api/v1/deals", #"{"title": "Ф \#(amount)", "client_id": \#(client), "amount": \#(amount)}"#)
        }
        var response = try await manager.post(
            "/api/v1/saved-filters", #"{"resource": "deals", "name": "Крупные", "query": "amount.gte=lots&colour=red"}"#)
        #expect(response.status == 422)
        #expect(response.fieldErrors["query"] != nil, "\(response.text)")
        response = try await manager.post("/api/v1/saved-filters", #"{"resource": "nothing", "name": "X", "query": "limit=5"}"#)
        #expect(response.fieldErrors["resource"] != nil)
        let filter = try await manager.create(
            "/api/v1/saved-filters",
            #"{"resource": "deals", "name": "Крупные", "query": "client_id=\#(client)&amount.gte=200&sort=amount"}"#)
        response = try await manager.get("/api/v1/deals?saved_filter=\(filter)")
        #expect(response.items.map { $0["amount"] as? String } == ["200.00", "300.00"], "\(response.text)")
        response = try await manager.get("/api/v1/deals?saved_filter=\(filter)&sort=-amount")
        #expect(response.items.map { $0["amount"] as? String } == ["300.00", "200.00"])
        response = try await manager.get("/api/v1/clients?saved_filter=\(filter)")
        #expect(response.status == 422, "a deals filter does not apply to clients")
        // Another user neither sees nor uses it.
        #expect(try await other.get("/api/v1/saved-filters").ids.isEmpty)
        response = try await other.get("/api/v1/deals?saved_filter=\(filter)")
        #expect(response.status == 422)
        #expect(try await other.call("DELETE", "/api/v1/saved-filters/\(filter)").status == 404)
        #expect(try await manager.call("DELETE", "/api/v1/saved-filters/\(filter)").status == 204)
        try await server.stop()
    }

    @Test("every list endpoint returns only rows the acting user may see")
    func listsHonourTheRules() async throws {
        let server = try await RunningServer.start(demo: true)
        let moscow = try await APIClient.signIn(server, "manager.msk")
        let accountant = try await APIClient.signIn(server, "accountant")
        let moscowTerritory = try await ownerQuery(server, "select id from crm.territories where name = 'Moscow'")[0].decode(
            Int64.self, at: 0)
        // A Moscow client with one row of every kind under it.
        let client = try await moscow.create("/api/v1/clients", #"{"name": "ООО «Видимость»", "territory_id": \#(moscowTerritory)}"#)
        let counterparty = try await moscow.create(
            "/api/v1/counterparties", #"{"client_id": \#(client), "legal_name": "ООО Видимость", "inn": "500100732259"}"#)
        let deal = try await moscow.create(
            "/api/v1/deals", #"{"title": "Видимая сделка", "client_id": \#(client), "counterparty_id": \#(counterparty)}"#)
        let product = try await ownerQuery(server, "insert into crm.products (name, price) values ('Мука', 30) returning id")[0]
            .decode(Int64.self, at: 0)
        _ = try await moscow.create(
            "/api/v1/deal-lines", #"{"deal_id": \#(deal), "product_id": \#(product), "quantity": "2.5", "price": "30"}"#)
        _ = try await moscow.create(
            "/api/v1/contacts", #"{"client_id": \#(client), "name": "Видимый Контакт", "phones": ["+7 495 000-00-00"]}"#)
        _ = try await moscow.create(
            "/api/v1/interactions", #"{"client_id": \#(client), "deal_id": \#(deal), "kind": "call", "summary": "Звонок"}"#)
        _ = try await moscow.create("/api/v1/tasks", #"{"title": "Перезвонить", "client_id": \#(client), "deal_id": \#(deal)}"#)
        let invoice = try await accountant.create(
            "/api/v1/invoices", #"{"deal_id": \#(deal), "counterparty_id": \#(counterparty), "number": "В-1", "amount": "10"}"#)
        _ = try await accountant.create("/api/v1/payments", #"{"invoice_id": \#(invoice), "amount": "5"}"#)

        // For each list: the ids the API gives each user equal the ids PostgreSQL's rules give
        // that user (computed independently as the owner with the user's context), and the
        // St Petersburg manager sees none of the Moscow client's rows.
        let lists = [
            "clients", "contacts", "counterparties", "deals", "deal-lines", "deal-stage-history", "interactions",
            "tasks", "invoices", "payments", "files", "products",
        ]
        for login in ["manager.spb", "manager.msk", "junior.msk", "accountant", "director"] {
            let user = try await APIClient.signIn(server, login)
            for path in lists {
                var ids: [Int64] = []
                var cursor: String?
                repeat {
                    let response = try await user.get("/api/v1/\(path)?limit=500" + (cursor.map { "&cursor=\(urlQuery($0))" } ?? ""))
                    #expect(response.status == 200, "\(login) \(path): \(response.text)")
                    ids += response.ids
                    cursor = response.json["next_cursor"] as? String
                } while cursor != nil
                let table = "crm." + path.replacingOccurrences(of: "-", with: "_")
                let expected = try await Self.visibleIDs(server, login: login, table: table)
                #expect(Set(ids) == expected, "\(login) \(path): API \(ids.sorted()) vs rules \(expected.sorted())")
            }
        }
        let spb = try await APIClient.signIn(server, "manager.spb")
        #expect(try await spb.get("/api/v1/clients/\(client)").status == 404)
        #expect(try await spb.get("/api/v1/clients/\(client)/card").status == 404)
        #expect(try await spb.get("/api/v1/deals/\(deal)").status == 404)
        #expect(try await spb.get("/api/v1/invoices/\(invoice)").status == 404)
        // A reference to a row one may not see is the same as a missing row.
        let response = try await spb.post("/api/v1/deals", #"{"title": "Чужой клиент", "client_id": \#(client)}"#)
        #expect(response.status == 422)
        #expect(response.fieldErrors["client_id"]?.contains("no such row") == true)
        try await server.stop()
    }

    /// The ids of `table` that `login` may read, by PostgreSQL's policies under the user's own
    /// request context (begin_request_as), read without the HTTP layer.
    static func visibleIDs(_ server: RunningServer, login: String, table: String) async throws -> Set<Int64> {
        let owner = try await OwnerConnection.open(server)
        defer { owner.close() }
        let uid = try await owner.query("select id from crm.users where login = \(login)")[0].decode(Int64.self, at: 0)
        return try await owner.connection.withTransaction { connection in
            // The context is trusted only in the server's own login (session_user).
            _ = try await connection.query("set local session authorization crm_authenticator")
            let begun = try await connection.query("select ok, reason from crm_api.begin_request_as(\(uid), '127.0.0.1')")[0]
            guard try begun.decode(Bool.self, at: 0) else { throw TestFailure("begin_request_as \(login): \(begun[1] ?? "")") }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "select id from \(table)"))
            return Set(try rows.map { try $0.decode(Int64.self, at: 0) })
        }
    }
}

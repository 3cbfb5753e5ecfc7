import Foundation
import TestSupport
import Testing

/// The client card in one request (rolled up over every counterparty the client has had),
/// files (in PostgreSQL and in a folder, size limit, download), tasks in the assignee's time
/// zone, and the funnel.
@Suite("Client card, files, tasks, funnel", .serialized, .stopsItsServers)
struct ClientCardAndFilesTests {
    @Test("the card shows current and former counterparties, contacts, open deals, interactions, tasks, unpaid invoices")
    func clientCard() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let accountant = try await APIClient.signIn(server, "accountant")
        let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Карточка»"}"#)
        let former = try await manager.create(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "ИП Карточкин", "inn": "500100732259", "valid_from": "2020-01-01", "valid_to": "2023-12-31"}
            """)
        let current = try await manager.create(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "ООО Карточка", "inn": "7707083893", "kpp": "773601001", "valid_from": "2024-01-01"}
            """)
        _ = try await manager.create(
            "/api/v1/contacts", #"{"client_id": \#(client), "name": "Анна Карточкина", "emails": ["anna@kartochka.ru"]}"#)
        let oldDeal = try await manager.create(
            "/api/v1/deals", #"{"title": "Старая сделка", "client_id": \#(client), "counterparty_id": \#(former), "amount": "1000"}"#)
        let newDeal = try await manager.create(
            "/api/v1/deals", #"{"title": "Новая сделка", "client_id": \#(client), "counterparty_id": \#(current), "amount": "2000"}"#)
        let paid = try await accountant.create(
            "/api/v1/invoices", #"{"deal_id": \#(oldDeal), "counterparty_id": \#(former), "number": "К-1", "amount": "1000"}"#)
        _ = try await accountant.create("/api/v1/payments", #"{"invoice_id": \#(paid), "amount": "1000"}"#)
        let unpaid = try await accountant.create(
            "/api/v1/invoices", #"{"deal_id": \#(newDeal), "counterparty_id": \#(current), "number": "К-2", "amount": "2000"}"#)
        _ = try await manager.create("/api/v1/interactions", #"{"deal_id": \#(newDeal), "kind": "meeting", "summary": "Встреча в офисе"}"#)
        _ = try await manager.create("/api/v1/tasks", #"{"title": "Отправить договор", "deal_id": \#(newDeal), "client_id": \#(client)}"#)

        let card = try await manager.get("/api/v1/clients/\(client)/card")
        #expect(card.status == 200, "\(card.text)")
        #expect((card["client"] as? [String: Any])?["name"] as? String == "ООО «Карточка»")
        let counterparties = card["counterparties"] as? [[String: Any]] ?? []
        #expect(counterparties.map { ($0["id"] as? NSNumber)?.int64Value } == [current, former], "current first")
        #expect(counterparties.map { $0["current"] as? Bool } == [true, false])
        #expect((card["contacts"] as? [[String: Any]])?.first?["name"] as? String == "Анна Карточкина")
        #expect(
            Set((card["open_deals"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }) == [oldDeal, newDeal])
        #expect(
            (card["recent_interactions"] as? [[String: Any]])?.first?["summary"] as? String == "Встреча в офисе",
            "an interaction on the deal belongs to the deal's client")
        #expect((card["open_tasks"] as? [[String: Any]])?.count == 1)
        #expect((card["unpaid_invoices"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value } == [unpaid])
        let analytics = card["analytics"] as? [String: Any] ?? [:]
        let amounts = analytics["amounts"] as? [[String: Any]] ?? []
        #expect(amounts.count == 1 && amounts.first?["currency"] as? String == "RUB", "one item per currency used: \(analytics)")
        #expect(amounts.first?["invoiced_amount"] as? String == "3000.00", "rolled up over both counterparties: \(analytics)")
        #expect(amounts.first?["paid_amount"] as? String == "1000.00")
        #expect((analytics["counterparties_ever"] as? NSNumber)?.intValue == 2)
        #expect(try await manager.get("/api/v1/clients/999999/card").status == 404)
        try await server.stop()
    }

    @Test("files: stored in PostgreSQL or a folder, downloaded intact, size-limited, under the rules")
    func files() async throws {
        let folder = TemporaryPaths.path("crm-files-")
        for directory in [nil, folder] {
            let server = try await RunningServer.start(demo: true, filesDirectory: directory, filesMaxBytes: 1 << 20)
            let manager = try await APIClient.signIn(server, "manager.msk")
            let spb = try await APIClient.signIn(server, "manager.spb")
            let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Файлы»"}"#)
            let content = "Счёт №1 на 1 500,50 ₽\n" + String(repeating: "строка\n", count: 100)
            var response = try await manager.call(
                "POST", "/api/v1/files?name=\(urlQuery("счёт 1.txt"))&client_id=\(client)", content,
                headers: ["Content-Type": "text/plain; charset=utf-8"])
            #expect(response.status == 201, "\(response.text)")
            let id = try #require(response.id)
            #expect(response.int("size_bytes") == Int64(content.utf8.count))
            #expect(response.string("storage") == (directory == nil ? "database" : "folder"))
            #expect(response.string("name") == "счёт 1.txt")
            let download = try await server.call("GET", "/api/v1/files/\(id)/content", token: manager.token)
            #expect(download.status == 200)
            #expect(download.body == content)
            #expect(download.headers["content-type"] == "text/plain")
            #expect(try await spb.get("/api/v1/files/\(id)").status == 404)
            #expect(try await server.call("GET", "/api/v1/files/\(id)/content", token: spb.token).status == 404)
            response = try await manager.call(
                "POST", "/api/v1/files?name=big.bin", String(repeating: "x", count: (1 << 20) + 1),
                headers: ["Content-Type": "application/octet-stream"])
            #expect(response.status == 413)
            response = try await manager.call("POST", "/api/v1/files?client_id=abc", "x", headers: ["Content-Type": "nonsense"])
            #expect(response.status == 422)
            #expect(Set(response.fieldErrors.keys) == ["name", "client_id", "Content-Type"], "\(response.text)")
            #expect(try await manager.call("DELETE", "/api/v1/files/\(id)").status == 403, "managers do not delete")
            let director = try await APIClient.signIn(server, "director")
            #expect(try await director.call("DELETE", "/api/v1/files/\(id)").status == 204)
            try await server.stop()
        }
        #expect((try? FileManager.default.contentsOfDirectory(atPath: folder))?.count == 1, "the folder holds the content")
    }

    @Test("tasks show the due time on the assignee's clock; the funnel counts only visible deals")
    func tasksAndFunnel() async throws {
        let server = try await RunningServer.start(demo: true)
        try await ownerQuery(server, "update crm.users set time_zone = 'Asia/Vladivostok' where login = 'manager.spb'")
        let director = try await APIClient.signIn(server, "director")
        let spbID = try await ownerQuery(server, "select id from crm.users where login = 'manager.spb'")[0].decode(Int64.self, at: 0)
        var response = try await director.post(
            "/api/v1/tasks", #"{"title": "Позвонить во Владивосток", "assignee_id": \#(spbID), "due_at": "2026-12-01T09:00:00+03:00"}"#)
        #expect(response.status == 201, "\(response.text)")
        #expect(response.string("time_zone") == "Asia/Vladivostok")
        #expect(response.string("due_local") == "2026-12-01T16:00:00")
        response = try await director.post("/api/v1/tasks", #"{"title": "x", "time_zone": "Mars/Olympus", "due_at": "tomorrow"}"#)
        #expect(Set(response.fieldErrors.keys) == ["time_zone", "due_at"])

        let manager = try await APIClient.signIn(server, "manager.msk")
        let spb = try await APIClient.signIn(server, "manager.spb")
        let before = try await spb.get("/api/v1/reports/funnel")
        _ = try await manager.create("/api/v1/deals", #"{"title": "Воронка", "amount": "1000000"}"#)
        let after = try await spb.get("/api/v1/reports/funnel")
        #expect(before.text == after.text, "another territory's deal does not change the St Petersburg funnel")
        let managerFunnel = try await manager.get("/api/v1/reports/funnel")
        let first = (managerFunnel["stages"] as? [[String: Any]])?.first
        let directorFirst = (try await director.get("/api/v1/reports/funnel")["stages"] as? [[String: Any]])?.first
        #expect((first?["deals"] as? NSNumber).map { $0.intValue >= 1 } == true)
        #expect(((directorFirst?["deals"] as? NSNumber)?.intValue ?? 0) >= ((first?["deals"] as? NSNumber)?.intValue ?? 0))
        try await server.stop()
    }
}

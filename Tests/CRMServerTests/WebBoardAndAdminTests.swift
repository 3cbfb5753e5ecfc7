import Foundation
import PostgresClient
import TestSupport
import Testing

@testable import WebUI

/// The board read from the funnel summary and per-stage index paths holds exactly the rows the
/// API shows (counts, sums per currency, cards; shares; filters inside and outside the summary;
/// "show more"); the administration pages for departments, territories, networks and sessions
/// change what the console changes, for administrators only and with the CSRF token.
@Suite("Web board and administration", .serialized, .stopsItsServers)
struct WebBoardAndAdminTests {
    typealias Browser = WebUITests.Browser

    /// A board page's columns: stage → (count, sums per currency, card ids in order), and the
    /// stages whose column offers more.
    struct Board {
        var count: [Int64: Int] = [:]
        var sums: [Int64: [String: Decimal]] = [:]
        var cards: [Int64: [Int64]] = [:]
        var more: Set<Int64> = []

        init(_ html: String) {
            let sections = html.split(separator: "<section class=\"column ").dropFirst()
            for section in sections {
                guard let stage = section.firstMatch(of: /data-stage-id="([0-9]+)"/).flatMap({ Int64($0.1) }) else { continue }
                count[stage] = section.firstMatch(of: /<span class="count">([0-9]+)<\/span>/).flatMap { Int($0.1) } ?? -1
                for match in section.matches(of: /class="sum" data-currency="([A-Z]{3})" data-sum="([0-9.]+)"/) {
                    sums[stage, default: [:]][String(match.1)] = Decimal(string: String(match.2))
                }
                cards[stage] = section.matches(of: /<article class="deal-card" data-deal-id="([0-9]+)"/).compactMap { Int64($0.1) }
                if section.contains("class=\"more\"") { more.insert(stage) }
            }
        }
    }

    /// The API's deals of a pipeline (with extra list parameters) grouped as a board.
    static func apiBoard(
        _ api: APIClient, pipeline: Int64, _ extra: String
    ) async throws -> (count: [Int64: Int], sums: [Int64: [String: Decimal]], ids: [Int64: Set<Int64>]) {
        var count: [Int64: Int] = [:], sums: [Int64: [String: Decimal]] = [:], ids: [Int64: Set<Int64>] = [:]
        var cursor: String?
        repeat {
            let page = try await api.get(
                "/api/v1/deals?pipeline_id=\(pipeline)&limit=500\(extra)\(cursor.map { "&cursor=" + urlQuery($0) } ?? "")")
            #expect(page.status == 200, "\(page.text)")
            for item in page.items {
                guard let stage = (item["stage_id"] as? NSNumber)?.int64Value, let id = (item["id"] as? NSNumber)?.int64Value else {
                    continue
                }
                count[stage, default: 0] += 1
                ids[stage, default: []].insert(id)
                let currency = item["currency"] as? String ?? "RUB"
                sums[stage, default: [:]][currency, default: 0] += Decimal(string: item["amount"] as? String ?? "0") ?? 0
            }
            cursor = page.string("next_cursor")
        } while cursor != nil
        return (count, sums, ids)
    }

    static func stages(_ api: APIClient, pipeline: Int64) async throws -> [Int64] {
        let rows = try await api.get("/api/v1/stages?pipeline_id=\(pipeline)&limit=500")
        return rows.ids
    }

    @Test(
        "board columns count and sum exactly the deals the API shows — from the summary, with shares, with filters in and outside it; cards are the API's rows"
    )
    func boardAsTheAPI() async throws {
        let server = try await RunningServer.start(demo: true, demoData: true)
        do {
            // A Moscow deal shared with the St Petersburg manager, and one in US dollars (a second sum).
            let moscow = try await APIClient.signIn(server, "manager.msk")
            let shared = try #require(try await moscow.get("/api/v1/deals?limit=1").ids.first)
            let spbID = try #require(
                try await ownerQuery(server, "select id from crm.users where login = 'manager.spb'").first?[0].flatMap(Int64.init))
            try await ownerQuery(
                server, "insert into crm.shares (entity, row_id, user_id, access) values ('deal', \(shared), \(spbID), 'read')")
            let pipelines = try await moscow.get("/api/v1/pipelines").items.compactMap { ($0["id"] as? NSNumber)?.int64Value }
            let client = try #require(try await moscow.get("/api/v1/clients?limit=1").ids.first)
            _ = try await moscow.create(
                "/api/v1/deals",
                #"{"title": "Долларовая", "client_id": \#(client), "pipeline_id": \#(pipelines[0]), "amount": "1250.50", "currency": "USD"}"#
            )
            let source = try #require(
                try await ownerQuery(server, "select min(source_id) from crm.deals where source_id is not null").first?[0].flatMap(
                    Int64.init))

            for login in ["manager.spb", "manager.msk", "junior.msk", "head.msk", "director"] {
                let api = try await APIClient.signIn(server, login)
                let browser = try await Browser.signIn(server, login)
                let me = try #require(try await ownerQuery(server, "select id, department_id from crm.users where login = \(login)").first)
                let myID = try #require(me[0].flatMap(Int64.init))
                var variants: [(String, String)] = [
                    ("", ""), ("&mine=1", "&responsible_id=\(myID)"), ("&source=\(source)", "&source_id=\(source)"),
                ]
                if let department = me[1] { variants.append(("&department=1", "&department_id=\(department)")) }
                var sawShared = false
                for pipeline in pipelines {
                    for (query, apiQuery) in variants {
                        let page = try await browser.get("/board?pipeline=\(pipeline)\(query)")
                        #expect(page.status == 200)
                        let board = Board(page.body)
                        let expected = try await Self.apiBoard(api, pipeline: pipeline, apiQuery)
                        let stages = try await Self.stages(api, pipeline: pipeline)
                        #expect(Set(board.count.keys) == Set(stages), "\(login) \(query): a column per stage")
                        for stage in stages {
                            let what = "\(login) pipeline \(pipeline)\(query) stage \(stage)"
                            #expect(board.count[stage] == expected.count[stage] ?? 0, "\(what): count")
                            let sums = (board.sums[stage] ?? [:]).filter { $0.value != 0 }
                            #expect(sums == (expected.sums[stage] ?? [:]).filter { $0.value != 0 }, "\(what): sums per currency")
                            let cards = board.cards[stage] ?? []
                            #expect(Set(cards) == (expected.ids[stage] ?? []), "\(what): cards")
                            #expect(cards.count == Set(cards).count, "\(what): a card once")
                        }
                        if query.isEmpty, board.cards.values.contains(where: { $0.contains(shared) }) { sawShared = true }
                    }
                }
                if login == "manager.spb" { #expect(sawShared, "the shared Moscow deal is on the St Petersburg board") }
            }
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("a column shows its newest cards with a limit; “show more” opens the column, then the list of the stage pages on")
    func showMore() async throws {
        let server = try await RunningServer.start(demo: true, demoData: true)
        do {
            let api = try await APIClient.signIn(server, "junior.msk")
            let pipeline = try #require(try await api.get("/api/v1/pipelines").items.first.flatMap { ($0["id"] as? NSNumber)?.int64Value })
            let first = try #require(try await Self.stages(api, pipeline: pipeline).first)
            let before = try await Self.apiBoard(api, pipeline: pipeline, "").count[first] ?? 0
            let extra = BoardPage.cardsPerColumn + 3 - before
            var created: [Int64] = []
            for n in 0..<max(extra, 0) {
                created.append(
                    try await api.create("/api/v1/deals", #"{"title": "Пачка \#(n)", "pipeline_id": \#(pipeline), "amount": "100.00"}"#))
            }
            let browser = try await Browser.signIn(server, "junior.msk")
            let board = Board(try await browser.get("/board?pipeline=\(pipeline)").body)
            let total = try await Self.apiBoard(api, pipeline: pipeline, "").count[first] ?? 0
            #expect(total > BoardPage.cardsPerColumn)
            #expect(board.count[first] == total)
            #expect(board.cards[first]?.count == BoardPage.cardsPerColumn, "the column shows its limit")
            #expect(board.cards[first]?.first == created.last, "newest entry into the stage first")
            #expect(board.more.contains(first))
            let opened = Board(try await browser.get("/board?pipeline=\(pipeline)&more=\(first)").body)
            #expect(opened.cards[first]?.count == total, "show more opens the whole column")
            #expect(!opened.more.contains(first))
            let list = try await browser.get("/deals?pipeline=\(pipeline)&stage=\(first)")
            #expect(list.status == 200 && list.body.contains(#"<option value="\#(first)" selected>"#))
            #expect(list.body.contains("всего \(total)"), "the list counts the stage")
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("departments and territories trees: add and move as the console does, refusals explained, admins only, CSRF")
    func trees() async throws {
        let server = try await RunningServer.start(demo: true)
        do {
            let admin = try await Browser.signIn(server, "admin")
            let form = ["Content-Type": "application/x-www-form-urlencoded"]
            let page = try await admin.get("/admin/departments")
            #expect(page.status == 200 && page.body.contains("id=\"departments-tree\"") && page.body.contains("Moscow sales"))
            let management = try #require(
                try await ownerQuery(server, "select id from crm.departments where name = 'Management'").first?[0])
            // Add under Management, then the same name again: refused with the reason.
            let added = try await admin.request(
                "POST", "/admin/departments/add", body: "_csrf=\(admin.csrf)&name=\(urlQuery("Отдел закупок Юг"))&parent=\(management)",
                headers: form)
            #expect(added.status == 303 && added.headers["location"] == "/admin/departments?result=added")
            let row = try #require(
                try await ownerQuery(server, "select id, parent_id::text from crm.departments where name = 'Отдел закупок Юг'").first)
            #expect(row[1] == management)
            let again = try await admin.request(
                "POST", "/admin/departments/add", body: "_csrf=\(admin.csrf)&name=\(urlQuery("отдел закупок юг"))&parent=\(management)",
                headers: form)
            #expect(again.headers["location"] == "/admin/departments?result=exists")
            #expect(try await admin.get("/admin/departments?result=exists").body.contains("уже есть на этом уровне"))
            // Move Management under its own new child: refused; the new one to the top: done.
            let child = try #require(row[0])
            let cycle = try await admin.request(
                "POST", "/admin/departments/move", body: "_csrf=\(admin.csrf)&node=\(management)&parent=\(child)", headers: form)
            #expect(cycle.headers["location"] == "/admin/departments?result=descendant")
            let top = try await admin.request(
                "POST", "/admin/departments/move", body: "_csrf=\(admin.csrf)&node=\(child)&parent=", headers: form)
            #expect(top.headers["location"] == "/admin/departments?result=moved")
            #expect(
                try await ownerQuery(server, "select parent_id is null from crm.departments where id = \(child)::bigint").first?[0] == "t")
            // Territories: a new one under Central, shown in the tree; audited as a change of crm.territories.
            let central = try #require(try await ownerQuery(server, "select id from crm.territories where name = 'Central'").first?[0])
            let territory = try await admin.request(
                "POST", "/admin/territories/add", body: "_csrf=\(admin.csrf)&name=\(urlQuery("Калуга"))&parent=\(central)", headers: form)
            #expect(territory.headers["location"] == "/admin/territories?result=added")
            let tree = try await admin.get("/admin/territories")
            #expect(tree.body.contains("Калуга") && tree.body.contains("id=\"territories-tree\""))
            #expect(
                try await ownerQuery(
                    server,
                    "select count(*) from audit.log where table_name = 'crm.territories' and action = 'insert' and new_values ->> 'name' = 'Калуга'"
                ).first?[0] == "1")
            // Without the token: 403 and nothing written; a manager: 403 on the page and the form.
            let forged = try await admin.request("POST", "/admin/territories/add", body: "name=Forged&parent=\(central)", headers: form)
            #expect(forged.status == 403)
            #expect(try await ownerQuery(server, "select count(*) from crm.territories where name = 'Forged'").first?[0] == "0")
            let manager = try await Browser.signIn(server, "manager.msk")
            #expect(try await manager.get("/admin/departments").status == 403)
            #expect(try await manager.get("/admin/territories").status == 403)
            let refused = try await manager.request(
                "POST", "/admin/territories/add", body: "_csrf=\(manager.csrf)&name=Mine&parent=\(central)", headers: form)
            #expect(refused.status == 403)
            #expect(try await ownerQuery(server, "select count(*) from crm.territories where name = 'Mine'").first?[0] == "0")
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("networks: allow and remove as NET ALLOW/REMOVE, a sign-in network ends the sessions it refuses; sessions: list and end one")
    func networksAndSessions() async throws {
        let server = try await RunningServer.start(demo: true)
        do {
            let admin = try await Browser.signIn(server, "admin")
            let form = ["Content-Type": "application/x-www-form-urlencoded"]
            let manager = try await Browser.signIn(server, "manager.msk")
            #expect(try await manager.get("/board").status == 200)
            let role = try #require(try await ownerQuery(server, "select id from crm.roles where name = 'manager'").first?[0])
            // A bad network is refused with the reason; nothing stored.
            let bad = try await admin.request(
                "POST", "/admin/networks/add", body: "_csrf=\(admin.csrf)&network=10.1.0.0/33&holder=role:\(role)&purpose=login",
                headers: form)
            #expect(bad.headers["location"] == "/admin/networks?result=cidr")
            #expect(try await admin.get("/admin/networks?result=cidr").body.contains("Это не сеть"))
            #expect(try await ownerQuery(server, "select count(*) from crm.networks").first?[0] == "0")
            // A sign-in network for managers elsewhere: the manager's open session ends at once.
            let allowed = try await admin.request(
                "POST", "/admin/networks/add",
                body: "_csrf=\(admin.csrf)&network=10.99.0.0/16&holder=role:\(role)&purpose=login&description=\(urlQuery("офис"))",
                headers: form)
            #expect(allowed.headers["location"] == "/admin/networks?result=added")
            let stored = try #require(
                try await ownerQuery(server, "select id, network::text, purpose, description from crm.networks").first)
            #expect(stored[1] == "10.99.0.0/16" && stored[2] == "login" && stored[3] == "офис")
            let list = try await admin.get("/admin/networks")
            #expect(list.body.contains("10.99.0.0/16") && list.body.contains("id=\"networks\""))
            #expect(try await manager.get("/board").status == 303, "the refused network ended the manager's session")
            // Remove it: the manager may sign in again.
            let removed = try await admin.request(
                "POST", "/admin/networks/remove", body: "_csrf=\(admin.csrf)&id=\(stored[0] ?? "")", headers: form)
            #expect(removed.headers["location"] == "/admin/networks?result=removed")
            #expect(try await ownerQuery(server, "select count(*) from crm.networks").first?[0] == "0")
            let again = try await Browser.signIn(server, "manager.msk")
            #expect(try await again.get("/board").status == 200)

            // Sessions: the manager's is listed (crm_api.list_sessions), the admin's own marked; end the manager's.
            let sessions = try await admin.get("/admin/sessions?login=manager.msk")
            #expect(sessions.status == 200 && sessions.body.contains("<code>manager.msk</code>"))
            let open = try #require(
                try await ownerQuery(
                    server,
                    """
                    select s.id from crm_private.sessions s join crm.users u on u.id = s.user_id
                    where u.login = 'manager.msk' and s.ended_at is null order by s.id desc limit 1
                    """
                ).first?[0])
            #expect(sessions.body.contains("name=\"id\" value=\"\(open)\""))
            #expect(try await admin.get("/admin/sessions").body.contains("это вы"))
            let forged = try await admin.request("POST", "/admin/sessions/end", body: "id=\(open)", headers: form)
            #expect(forged.status == 403)
            #expect(try await again.get("/board").status == 200, "a forged form ends nothing")
            let ended = try await admin.request(
                "POST", "/admin/sessions/end", body: "_csrf=\(admin.csrf)&id=\(open)&login=manager.msk", headers: form)
            #expect(ended.headers["location"] == "/admin/sessions?result=ended&login=manager.msk")
            #expect(try await again.get("/board").status == 303, "the ended session signs the manager out")
            #expect(
                try await ownerQuery(server, "select end_reason from crm_private.sessions where id = \(open)::bigint").first?[0] == "killed"
            )
            let twice = try await admin.request("POST", "/admin/sessions/end", body: "_csrf=\(admin.csrf)&id=\(open)", headers: form)
            #expect(twice.headers["location"] == "/admin/sessions?result=gone")
            // Others: 403 on the pages and the forms.
            let head = try await Browser.signIn(server, "head.msk")
            #expect(try await head.get("/admin/networks").status == 403)
            #expect(try await head.get("/admin/sessions").status == 403)
            #expect(try await head.request("POST", "/admin/sessions/end", body: "_csrf=\(head.csrf)&id=1", headers: form).status == 403)
            #expect(
                try await head.request(
                    "POST", "/admin/networks/add", body: "_csrf=\(head.csrf)&network=10.0.0.0/8&holder=role:\(role)&purpose=login",
                    headers: form
                ).status == 403)
            #expect(try await ownerQuery(server, "select count(*) from crm.networks").first?[0] == "0")
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("the deal card's change history shows old → new by name to whoever may read the deal, and no other audit entry")
    func changeHistory() async throws {
        let server = try await RunningServer.start(demo: true, demoData: true)
        do {
            let api = try await APIClient.signIn(server, "manager.msk")
            let pipeline = try #require(try await api.get("/api/v1/pipelines").items.first.flatMap { ($0["id"] as? NSNumber)?.int64Value })
            let stages = try await Self.stages(api, pipeline: pipeline)
            let deal = try await api.create("/api/v1/deals", #"{"title": "История", "pipeline_id": \#(pipeline), "amount": "100.00"}"#)
            #expect(try await api.patch("/api/v1/deals/\(deal)", #"{"amount": "250.00", "stage_id": \#(stages[1])}"#).status == 200)
            let stageNames = try await ownerQuery(
                server, "select name from crm.stages where id = any(\("{\(stages[0]),\(stages[1])}")::bigint[]) order by position")
            let browser = try await Browser.signIn(server, "manager.msk")
            let card = try await browser.get("/deals/\(deal)")
            #expect(card.status == 200)
            let history = try #require(card.body.firstRange(of: "id=\"deal-changes\"").map { String(card.body[$0.lowerBound...]) })
            #expect(history.contains("<del>100,00</del> → <ins>250,00</ins>"), "the amount old → new")
            #expect(
                history.contains("<del>\(HTML.escape(stageNames[0][0] ?? ""))</del> → <ins>\(HTML.escape(stageNames[1][0] ?? ""))</ins>"),
                "the stage by name")
            #expect(history.contains("Сделка создана"))
            // A user who may not read the deal gets 404 and reads none of its entries; a manager reads no other audit entry.
            let spb = try await Browser.signIn(server, "manager.spb")
            #expect(try await spb.get("/deals/\(deal)").status == 404)
            #expect(try await browser.get("/admin/audit").status == 403)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("the client card's money is per currency, never added across currencies")
    func clientCardCurrencies() async throws {
        let server = try await RunningServer.start(demo: true)
        do {
            let api = try await APIClient.signIn(server, "manager.msk")
            let client = try await api.create("/api/v1/clients", #"{"name": "ООО «Две валюты»"}"#)
            let counterparty = try await api.create(
                "/api/v1/counterparties",
                #"{"client_id": \#(client), "legal_name": "ООО Две валюты", "inn": "7707083893", "kpp": "773601001"}"#)
            for (currency, amount) in [("RUB", "1000.00"), ("USD", "250.00")] {
                let deal = try await api.create(
                    "/api/v1/deals",
                    #"{"title": "Сделка \#(currency)", "client_id": \#(client), "counterparty_id": \#(counterparty), "currency": "\#(currency)", "amount": "\#(amount)"}"#
                )
                _ = try await api.create(
                    "/api/v1/invoices",
                    #"{"deal_id": \#(deal), "counterparty_id": \#(counterparty), "number": "В-\#(currency)", "amount": "\#(amount)", "issued_on": "2026-12-01", "due_on": "2026-12-15"}"#
                )
            }
            let browser = try await Browser.signIn(server, "manager.msk")
            let card = try await browser.get("/clients/\(client)")
            #expect(card.status == 200)
            let stats = try #require(card.body.firstRange(of: "class=\"stats\"").map { String(card.body[$0.lowerBound...].prefix(1500)) })
            #expect(stats.contains("1\u{A0}000,00") && stats.contains("250,00"), "each currency's invoiced amount: \(stats)")
            #expect(!stats.contains("1\u{A0}250,00"), "no sum across currencies: \(stats)")
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }
}

import CRMServer
import EmbeddedPostgres
import Foundation
import PostgresClient
import TestSupport
import Testing

/// The reports over HTTP and to BI logins, on a company the test builds (`ReportCompany`) whose
/// expected numbers the test computes itself (`ReportExpectations`), for the director, a
/// manager (territory) and a department head — each sees only its rows.
@Suite("Reports: HTTP, CSV and BI", .serialized, .stopsItsServers)
struct ReportsAPITests {
    typealias E = ReportExpectations
    static let logins = ["director", "manager.msk", "head.msk"]
    static let year = (from: "2025-01-01", to: "2025-12-31")

    static func start() async throws -> RunningServer {
        let server = try await RunningServer.start(demo: true)
        for statement in ReportCompany.setupSQL {
            try await ownerQuery(server, PostgresQuery(unsafeSQL: statement))
        }
        return server
    }

    static func rows(_ response: APIResponse) -> [[String: Any]] { response.json["rows"] as? [[String: Any]] ?? [] }
    static func decimal(_ value: Any?) -> Decimal? { (value as? String).flatMap { Decimal(string: $0) } }
    static func int(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }

    @Test("every report answers JSON with typed columns for the numbers its user's rows give")
    func reportsMatchTheRows() async throws {
        let server = try await Self.start()
        defer { Task { try? await server.stop() } }
        let period = "from=\(Self.year.from)&to=\(Self.year.to)"
        for login in Self.logins {
            let api = try await APIClient.signIn(server, login)

            // ABC/XYZ: the client that changed legal entity is one row; Дельта's empty June makes it Z.
            let abc = try await api.get("/api/v1/reports/abc_xyz?\(period)")
            #expect(abc.status == 200, "\(abc.text)")
            let got = Self.rows(abc).map {
                E.ABCRow(
                    client: $0["client"] as? String ?? "", currency: $0["currency"] as? String ?? "",
                    revenue: Self.decimal($0["revenue"]) ?? -1, abc: $0["abc"] as? String ?? "", xyz: $0["xyz"] as? String ?? "")
            }
            let months = (1...12).map { String(format: "2025-%02d", $0) }
            let expected = E.abcXYZ(login, from: Self.year.from, to: Self.year.to, months: months)
            #expect(got == expected && !expected.isEmpty, "\(login) abc_xyz")
            #expect((abc.json["columns"] as? [[String: Any]])?.first { $0["name"] as? String == "revenue" }?["type"] as? String == "money")
            #expect(Self.rows(abc).allSatisfy { $0["revenue"] is String && $0["months"] is NSNumber })

            // The nine cells sum to the clients and revenue of the classification.
            let matrix = try await api.get("/api/v1/reports/abc_xyz_matrix?\(period)")
            #expect(matrix.status == 200)
            for currency in Set(expected.map(\.currency)) {
                let cells = Self.rows(matrix).filter { $0["currency"] as? String == currency }
                #expect(cells.count == 9)
                for cell in cells {
                    let mine = expected.filter { $0.currency == currency && $0.abc + $0.xyz == cell["cell"] as? String }
                    #expect(Self.int(cell["clients"]) == mine.count)
                    #expect(Self.decimal(cell["revenue"]) == mine.reduce(Decimal(0)) { $0 + $1.revenue })
                }
            }

            // Receivables as of the year end: partly paid, aged; the old legal entity has no debt.
            let debts = try await api.get("/api/v1/reports/receivables?as_of=2025-12-31")
            #expect(debts.status == 200, "\(debts.text)")
            let gotDebts = Self.rows(debts).map { row in
                E.DebtRow(
                    client: row["client"] as? String ?? "", counterparty: row["counterparty"] as? String ?? "",
                    currency: row["currency"] as? String ?? "", outstanding: Self.decimal(row["outstanding"]) ?? -1,
                    buckets: ["not_due", "overdue_1_30", "overdue_31_60", "overdue_61_90", "overdue_over_90"].map {
                        Self.decimal(row[$0]) ?? -1
                    })
            }.sorted { ($0.currency, $0.counterparty) < ($1.currency, $1.counterparty) }
            #expect(gotDebts == E.receivables(login, asOf: "2025-12-31") && !gotDebts.isEmpty, "\(login) receivables")

            // Funnel of the default pipeline over the deals created in the year.
            let funnel = try await api.get("/api/v1/reports/sales_funnel?\(period)")
            #expect(funnel.status == 200, "\(funnel.text)")
            let gotFunnel = Self.rows(funnel).map {
                E.FunnelRow(
                    code: $0["code"] as? String ?? "", currency: $0["currency"] as? String ?? "",
                    deals: Self.int($0["deals"]) ?? -1, amount: Self.decimal($0["amount"]) ?? -1,
                    reached: Self.int($0["reached"]) ?? -1, won: Self.int($0["won"]) ?? -1)
            }
            let expectedFunnel = E.funnel(login, from: Self.year.from, to: Self.year.to)
            #expect(gotFunnel == expectedFunnel && !expectedFunnel.isEmpty, "\(login) funnel")
            for (index, row) in Self.rows(funnel).enumerated() {
                let mine = expectedFunnel[index]
                let next = expectedFunnel.dropFirst(index + 1).first { $0.currency == mine.currency && $0.code != "lost" }
                if mine.code != "lost", mine.code != "won", let next, mine.reached > 0 {
                    #expect(Self.decimal(row["conversion_to_next"]) == E.round(Decimal(next.reached) / Decimal(mine.reached), 4))
                    #expect(Self.decimal(row["conversion_to_won"]) == E.round(Decimal(mine.won) / Decimal(mine.reached), 4))
                }
            }

            // Gross profit of the deals won in the year (cost from the lines' cost prices).
            let profit = try await api.get("/api/v1/reports/gross_profit_deals?\(period)")
            #expect(profit.status == 200)
            let gotProfit = Self.rows(profit).map {
                E.ProfitRow(
                    deal: $0["title"] as? String ?? "", currency: $0["currency"] as? String ?? "",
                    revenue: Self.decimal($0["revenue"]) ?? -1, cost: Self.decimal($0["cost"]) ?? -1,
                    profit: Self.decimal($0["gross_profit"]) ?? -1)
            }.sorted { ($0.currency, $0.deal) < ($1.currency, $1.deal) }
            #expect(
                gotProfit == E.grossProfit(login, from: Self.year.from, to: Self.year.to) && !gotProfit.isEmpty, "\(login) gross profit")

            // Top managers by money received.
            let top = try await api.get("/api/v1/reports/top_managers?\(period)")
            #expect(top.status == 200)
            let names = try await ownerQuery(server, "select login, name from crm.users")
            let nameOf = Dictionary(
                uniqueKeysWithValues: try names.map { (try $0.decode(String.self, at: 1), try $0.decode(String.self, at: 0)) })
            let gotTop = Self.rows(top).map {
                E.TopRow(
                    manager: nameOf[$0["responsible"] as? String ?? ""] ?? "?", currency: $0["currency"] as? String ?? "",
                    paid: Self.decimal($0["paid"]) ?? -1)
            }.sorted { ($0.currency, $0.manager) < ($1.currency, $1.manager) }
            #expect(gotTop == E.topManagers(login, from: Self.year.from, to: Self.year.to) && !gotTop.isEmpty, "\(login) top managers")

            // Loss reasons, at the stage the deal was lost from.
            let losses = try await api.get("/api/v1/reports/loss_reasons?\(period)")
            #expect(losses.status == 200)
            let stageNames = [
                "Новая": "new", "Квалификация": "qualification", "Коммерческое предложение": "proposal",
                "Переговоры": "negotiation",
            ]
            let gotLosses = Self.rows(losses).map {
                E.LossRow(
                    reason: $0["loss_reason"] as? String ?? "", stage: stageNames[$0["lost_at_stage"] as? String ?? ""] ?? "?",
                    currency: $0["currency"] as? String ?? "", deals: Self.int($0["deals"]) ?? -1,
                    amount: Self.decimal($0["amount"]) ?? -1)
            }.sorted { ($0.reason, $0.stage) < ($1.reason, $1.stage) }
            #expect(gotLosses == E.losses(login, from: Self.year.from, to: Self.year.to) && !gotLosses.isEmpty, "\(login) losses")

            // Every report answers (with defaults) as the documented JSON shape.
            for name in [
                "stale_deals", "source_effectiveness", "gross_profit_clients", "purchases", "payables", "manager_kpi",
                "bcg_matrix",
            ] {
                let response = try await api.get("/api/v1/reports/\(name)")
                #expect(response.status == 200, "\(name): \(response.text)")
                #expect(response.json["report"] as? String == name)
            }
        }
        try await server.stop()
    }

    @Test("sources, BCG, stale deals and KPI weights follow their definitions")
    func sourcesBCGStaleAndKPI() async throws {
        let server = try await Self.start()
        let director = try await APIClient.signIn(server, "director")

        let events = try await director.get("/api/v1/reports/source_effectiveness?from=2025-01-01&to=2025-12-31&group=event")
        let event = Self.rows(events).first { $0["marketing_event"] as? String == "Выставка 2025" }
        #expect(Self.int(event?["leads"]) == 1 && Self.int(event?["won"]) == 1)
        #expect(Self.decimal(event?["revenue"]) == 100000 && Self.decimal(event?["budget"]) == 50000)
        #expect(Self.decimal(event?["cost_per_lead"]) == 50000 && Self.decimal(event?["return_on_budget"]) == 1)
        let sources = try await director.get("/api/v1/reports/source_effectiveness?from=2025-01-01&to=2025-12-31")
        let site = Self.rows(sources).first { $0["source"] as? String == "Сайт" }
        #expect(Self.int(site?["leads"]) == 2 && Self.decimal(site?["conversion"]) == Decimal(string: "0.5"))

        // BCG: second half of 2025 against the first half.
        let bcg = try await director.get("/api/v1/reports/bcg_matrix?from=2025-07-01&to=2025-12-31")
        let current = E.revenue("director", "2025-07-01", "2025-12-31").filter { $0.key.currency == "RUB" && $0.value > 0 }
        let previous = E.revenue("director", "2025-01-01", "2025-06-30")
        let mean = current.values.reduce(Decimal(0), +) / Decimal(current.count)
        for row in Self.rows(bcg) where row["currency"] as? String == "RUB" {
            let client = row["client"] as? String ?? ""
            let revenue = current[E.Money(key: client, currency: "RUB")]!
            let before = previous[E.Money(key: client, currency: "RUB")] ?? 0
            let growth: Decimal? = before > 0 ? (revenue - before) / before : nil
            let highGrowth = growth.map { $0 >= Decimal(string: "0.10")! } ?? true
            let quadrant = revenue >= mean ? (highGrowth ? "star" : "cash_cow") : (highGrowth ? "question_mark" : "dog")
            #expect(row["quadrant"] as? String == quadrant, "\(client)")
            #expect(Self.decimal(row["revenue"]) == revenue)
        }
        #expect(Self.rows(bcg).filter { $0["currency"] as? String == "RUB" }.count == current.count)

        // Stale deals: every open deal is idle since 2025, except one with an interaction today.
        try await ownerQuery(
            server,
            """
            insert into crm.interactions (deal_id, kind, owner_id) select id, 'call', owner_id from crm.deals where title = 'D6'
            """)
        let stale = try await director.get("/api/v1/reports/stale_deals?days=30")
        let open = ReportCompany.deals.filter { !["won", "lost"].contains($0.moves.last ?? "new") }.map(\.key)
        #expect(Set(Self.rows(stale).compactMap { $0["title"] as? String }) == Set(open).subtracting(["D6"]))
        #expect(Self.rows(stale).allSatisfy { (Self.int($0["days_idle"]) ?? 0) >= 30 })

        // KPI: with only the won-deals weight, the score is 100 × won / the best manager's won.
        let admin = try await APIClient.signIn(server, "admin")
        let weights = try await admin.get("/api/v1/kpi-weights")
        for item in weights.items {
            let id = (item["id"] as? NSNumber)?.int64Value ?? 0
            let weight = item["metric"] as? String == "won_deals" ? "1" : "0"
            let patched = try await admin.patch("/api/v1/kpi-weights/\(id)", #"{"weight": "\#(weight)"}"#)
            #expect(patched.status == 200, "\(patched.text)")
        }
        let kpi = try await director.get("/api/v1/reports/manager_kpi?from=2025-01-01&to=2025-12-31")
        let won = Self.rows(kpi).map { Self.int($0["won_deals"]) ?? 0 }
        let best = won.max() ?? 0
        for row in Self.rows(kpi) {
            let expected = best == 0 ? 0 : E.round(Decimal(100 * (Self.int(row["won_deals"]) ?? 0)) / Decimal(best), 2)
            #expect(Self.decimal(row["score"]) == expected)
        }
        try await server.stop()
    }

    @Test("bad parameters are 422 naming the field; an unknown report is 404")
    func validation() async throws {
        let server = try await Self.start()
        let director = try await APIClient.signIn(server, "director")
        let cases: [(String, String)] = [
            ("abc_xyz?from=2025-02-30", "from"), ("abc_xyz?to=yesterday", "to"), ("abc_xyz?from=2025-05-01&to=2025-04-01", "to"),
            ("stale_deals?days=-1", "days"), ("sales_funnel?pipeline_id=x", "pipeline_id"), ("manager_kpi?currency=rub", "currency"),
            ("source_effectiveness?group=city", "group"), ("abc_xyz?format=xml", "format"), ("abc_xyz?separator=tab", "separator"),
            ("abc_xyz?colour=red", "colour"), ("abc_xyz?page_size=0", "page_size"), ("abc_xyz?page_size=10001", "page_size"),
            ("abc_xyz?cursor=bm90aGluZw", "cursor"),
        ]
        for (query, field) in cases {
            let response = try await director.get("/api/v1/reports/\(query)")
            #expect(response.status == 422, "\(query): \(response.status)")
            #expect(response.fieldErrors[field] != nil, "\(query): \(response.text)")
        }
        #expect(try await director.get("/api/v1/reports/nothing").status == 404)
        #expect(try await server.get("/api/v1/reports/abc_xyz").status == 401)
        let list = try await director.get("/api/v1/reports")
        let names = (list.json["reports"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names.contains("abc_xyz") && names.contains("receivables") && names.count == 14)
        // The old funnel keeps answering.
        #expect(try await director.get("/api/v1/reports/funnel").status == 200)
        try await server.stop()
    }

    @Test("pages: every row exactly once, in order, by next_cursor; a cursor is for its report only")
    func paging() async throws {
        let server = try await Self.start()
        let director = try await APIClient.signIn(server, "director")
        let period = "from=\(Self.year.from)&to=\(Self.year.to)"
        let whole = try await director.get("/api/v1/reports/abc_xyz?\(period)")
        #expect(whole.status == 200)
        #expect(whole.json["next_cursor"] is NSNull, "one page holds it: \(whole.text.prefix(200))")
        let all = Self.rows(whole).map { "\($0["client"] ?? "")|\($0["currency"] ?? "")|\($0["revenue"] ?? "")" }
        #expect(all.count >= 3, "enough rows to page")
        var paged: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let query = "/api/v1/reports/abc_xyz?\(period)&page_size=2" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try await director.get(query)
            #expect(page.status == 200, "\(page.text)")
            let rows = Self.rows(page)
            #expect(rows.count <= 2)
            paged += rows.map { "\($0["client"] ?? "")|\($0["currency"] ?? "")|\($0["revenue"] ?? "")" }
            cursor = page.json["next_cursor"] as? String
            pages += 1
        } while cursor != nil && pages <= all.count
        #expect(paged == all)
        #expect(pages == (all.count + 1) / 2)
        // A cursor of one report is refused by another.
        let first = try await director.get("/api/v1/reports/abc_xyz?\(period)&page_size=1")
        let token = try #require(first.json["next_cursor"] as? String)
        let other = try await director.get("/api/v1/reports/receivables?cursor=\(token)")
        #expect(other.status == 422 && other.fieldErrors["cursor"] != nil, "\(other.text)")
        try await server.stop()
    }

    @Test("CSV: UTF-8 with BOM, ; with decimal commas, streamed; needs export; audited by the database")
    func csvExport() async throws {
        let server = try await Self.start()
        let director = try await APIClient.signIn(server, "director")
        let csv = try await director.get("/api/v1/reports/receivables?as_of=2025-12-31&format=csv&separator=semicolon")
        #expect(csv.status == 200)
        #expect(csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.text.hasPrefix("\u{FEFF}client;client_id") == false)
        #expect(csv.text.unicodeScalars.first == "\u{FEFF}")
        let lines = csv.text.dropFirst().split(separator: "\r\n", omittingEmptySubsequences: true)
        #expect(
            lines.first
                == "client_id;client;counterparty_id;counterparty;inn;currency;invoices;outstanding;not_due;overdue_1_30;overdue_31_60;overdue_61_90;overdue_over_90;max_days_overdue"
        )
        let expected = E.receivables("director", asOf: "2025-12-31")
        #expect(lines.count == expected.count + 1, "\(csv.text)")
        #expect(lines.contains { $0.contains("ООО «Бета»") && $0.contains(";30000,00;") })

        let byAccept = try await director.call(
            "GET", "/api/v1/reports/abc_xyz?from=2025-01-01&to=2025-12-31",
            headers: ["Accept": "text/csv"])
        #expect(byAccept.status == 200 && byAccept.text.contains(",100000.00,"))

        // The audit entry: who, which report, parameters, rows.
        let audit = try await ownerQuery(
            server,
            """
            select u.login, l.details ->> 'report', l.details -> 'parameters' ->> 'as_of', (l.details ->> 'rows')::int,
                   (l.details ->> 'completed')::boolean
              from audit.log l join crm.users u on u.id = l.user_id
             where l.action = 'export' and l.details ->> 'entity' = 'report' order by l.id
            """)
        #expect(audit.count == 2)
        let first = try audit[0].decode((String, String, String?, Int, Bool).self)
        #expect(first.0 == "director" && first.1 == "receivables" && first.2 == "2025-12-31" && first.3 == expected.count && first.4)

        // Without the export action: 403 before any byte, nothing audited.
        let manager = try await APIClient.signIn(server, "manager.msk")
        let refused = try await manager.get("/api/v1/reports/receivables?format=csv")
        #expect(refused.status == 403, "\(refused.text)")
        #expect(try await manager.get("/api/v1/reports/receivables").status == 200)
        let count = try await ownerQuery(server, "select count(*) from audit.log where action = 'export'")[0].decode(Int64.self, at: 0)
        #expect(count == 2)
        try await server.stop()
    }

    @Test("a BI login read with psql sees exactly what its user sees over HTTP, and cannot write or widen")
    func biLoginsMatchHTTP() async throws {
        let server = try await Self.start()
        let cluster = try await TestPostgres.cluster()
        let database = try await ownerQuery(server, "select current_database()")[0].decode(String.self, at: 0)
        let console = try AdminConsoleClient(server)
        try await console.signIn()
        for login in Self.logins {
            let bi = "bi_r" + UUID().uuidString.prefix(8).lowercased().replacingOccurrences(of: "-", with: "")
            let password = "bi-password-" + UUID().uuidString.prefix(8)
            #expect(try await slowStep("BI test: BI CREATE") { try await console.send("BI CREATE \(bi) \(login) \(password)") }.isOK)
            func psql(_ sql: String) async throws -> (Int32, String) {
                var environment = ProcessInfo.processInfo.environment
                environment["PGPASSWORD"] = password
                let output = FileManager.default.temporaryDirectory.path + "/crm-bi-\(bi)-\(UUID().uuidString.prefix(6)).txt"
                defer { try? FileManager.default.removeItem(atPath: output) }
                let process = try ChildProcess(
                    [
                        cluster.binDirectory + "/psql", "-X", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1",
                        "host=\(cluster.socketDirectory) port=5432 user=\(bi) dbname=\(database)", "-c", sql,
                    ],
                    outputPath: output, directory: FileManager.default.temporaryDirectory.path, environment: environment)
                let status = try await slowStep("BI test: psql \(sql)") { try await TestPostgres.waitForExit(process, limit: .seconds(60)) }
                return (status, process.output)
            }
            let api = try await APIClient.signIn(server, login)
            // The same figures from the same functions and from the views.
            for (report, sql, columns) in [
                (
                    "abc_xyz?from=2025-01-01&to=2025-12-31",
                    "select client, currency, revenue, abc, xyz from reports.abc_xyz_report('2025-01-01', '2025-12-31')",
                    ["client", "currency", "revenue", "abc", "xyz"]
                ),
                (
                    "receivables?as_of=2025-12-31",
                    "select counterparty, currency, outstanding, overdue_over_90 from reports.debts_at('2025-12-31', false)",
                    ["counterparty", "currency", "outstanding", "overdue_over_90"]
                ),
                (
                    "loss_reasons?from=2025-01-01&to=2025-12-31",
                    "select loss_reason, currency, count(*), sum(amount) from reports.lost_deals group by 1, 2 order by 2, 3 desc, 4 desc, 1",
                    ["loss_reason", "currency", "deals", "amount"]
                ),
            ] {
                let (status, text) = try await psql(sql)
                #expect(status == 0, "\(login) \(sql): \(text)")
                let http = try await slowStep("BI test: GET \(report)") { try await api.get("/api/v1/reports/\(report)") }
                let expected = Self.rows(http).map { row in
                    columns.map { column in row[column].map { "\($0)" } ?? "" }.joined(separator: "|")
                }
                let got = text.split(separator: "\n").map(String.init)
                #expect(got == expected, "\(login) \(report)")
                #expect(!got.isEmpty)
            }
            // Cannot write, cannot widen by settings or roles.
            let total = try await psql("select count(*) from reports.payments_received")
            let (write, _) = try await psql("update crm.kpi_weights set weight = 99")
            #expect(write != 0)
            let (insert, _) = try await psql(
                "set default_transaction_read_only = off; insert into crm.marketing_events (name, starts_on, ends_on) values ('x', '2025-01-01', '2025-01-02')"
            )
            #expect(insert != 0)
            let widened = try await psql(
                "set crm.context = '{\"rls\": \"1;1;1;{};{};,deal.read=4,invoice.read=4,;,\"}'; select count(*) from reports.payments_received"
            )
            // A forged context never shows more (it may show nothing: a BI login that changes its settings).
            let count = { (text: String) in Int(text.split(separator: "\n").last.map(String.init) ?? "") ?? -1 }
            #expect(count(total.1) > 0 && count(widened.1) <= count(total.1), "\(widened.1) vs \(total.1)")
            let (role, _) = try await psql("set role crm_user; select count(*) from reports.payments_received")
            #expect(role != 0)
        }
        try await server.stop()
    }
}

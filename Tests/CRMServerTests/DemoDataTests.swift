import CRMServer
import Foundation
import PostgresClient
import TestSupport
import Testing

/// The living demo (`crm serve --demo`, sql/160) seen through the API as its users see it, with
/// the database owner checking what the API does not show.
@Suite("Demo data", .stopsItsServers)
struct DemoDataTests {
    static let purchaseStages = [
        "Заявка сформирована", "Запрос отправлен поставщикам", "Получено предложение",
        "Выбрано для согласования руководителем закупок", "Отправлено на согласование генеральному директору",
        "Счёт подписан", "Счёт запланирован в бухгалтерии", "Оплачено", "Заказ в производстве у производителя",
        "Отгружено перевозчиком", "Доставлено на наш склад", "Сопроводительные документы подписаны",
        "Сопроводительные документы отправлены",
    ]

    static func items(_ body: String, _ key: String = "items") -> [[String: Any]] {
        JSON.object(body)[key] as? [[String: Any]] ?? []
    }

    static func int(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }

    @Test("a new user logs in to a living CRM: every stage populated, invoices, counterparties over time, territory rules")
    func livingDemo() async throws {
        let server = try await RunningServer.start(demo: true, demoData: true)
        let owner = try await OwnerConnection.open(server)
        defer { owner.close() }
        func value(_ query: PostgresQuery) async throws -> Int64 { try await owner.query(query)[0].decode(Int64.self, at: 0) }

        let director = try await server.token("director")
        let managerMsk = try await server.token("manager.msk")
        let managerSpb = try await server.token("manager.spb")
        let accountant = try await server.token("accountant")

        // Pipelines: the default one and the three presets, stages in order, the purchase fields.
        let pipelinesResponse = try await server.call("GET", "/api/v1/pipelines", token: managerMsk)
        #expect(pipelinesResponse.status == 200)
        let pipelines = Self.items(pipelinesResponse.body)
        #expect(pipelines.count == 4, "\(pipelines.map { $0["name"] ?? "" })")
        for pipeline in pipelines {
            let stages = pipeline["stages"] as? [[String: Any]] ?? []
            let positions = stages.compactMap { Self.int($0["position"]) }
            #expect(
                stages.count >= 6 && positions == positions.sorted() && Set(positions).count == positions.count,
                "\(pipeline["name"] ?? ""): positions \(positions)")
            #expect(stages.filter { $0["kind"] as? String == "won" }.count == 1)
            #expect(stages.filter { $0["kind"] as? String == "lost" }.count == 1)
        }
        let purchase = try #require(pipelines.first { $0["kind"] as? String == "purchase" })
        let purchaseStages = (purchase["stages"] as? [[String: Any]] ?? [])
        #expect(purchaseStages.filter { $0["kind"] as? String == "open" }.compactMap { $0["name"] as? String } == Self.purchaseStages)
        let fields = (purchase["custom_fields"] as? [[String: Any]] ?? []).map { "\($0["key"] ?? ""):\($0["type"] ?? "")" }
        #expect(
            fields == [
                "invoice_number:text", "invoice_date:date", "invoice_scan:file", "full_prepayment:boolean",
                "final_payment_date:date",
            ])
        let typical = try #require(pipelines.first { $0["name"] as? String == "Типовая продажа" })
        #expect(
            (typical["stages"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                == ["first_contact", "qualification", "proposal", "order", "sale_paid", "lost"])

        // Every stage of every pipeline has a deal (the director's funnel counts them all).
        for pipeline in pipelines {
            let id = try #require(Self.int(pipeline["id"]))
            let funnel = try await server.call("GET", "/api/v1/reports/funnel?pipeline_id=\(id)", token: director)
            #expect(funnel.status == 200)
            let empty = Self.items(funnel.body, "stages").filter { (Self.int($0["deals"]) ?? 0) == 0 }.map { $0["stage"] ?? "" }
            #expect(empty.isEmpty, "\(pipeline["name"] ?? ""): no deal at \(empty)")
        }
        #expect(
            try await value("select count(*) from crm.stages s where not exists (select 1 from crm.deals d where d.stage_id = s.id)") == 0)

        // The stage rules held: won deals owe nothing, lost ones say why, moves were recorded.
        #expect(
            try await value(
                """
                select count(*) from crm.deals d join crm.stages s on s.id = d.stage_id
                 where s.kind = 'won' and exists (select 1 from crm.invoices i where i.deal_id = d.id and i.status <> 'paid')
                """) == 0)
        #expect(
            try await value(
                """
                select count(*) from crm.deals d join crm.stages s on s.id = d.stage_id where s.kind = 'lost' and d.loss_reason_id is null
                """) == 0)
        #expect(
            try await value(
                """
                select count(*) from crm.deals d join crm.stages s on s.id = d.stage_id
                 where s.position > 1 and (select count(*) from crm.deal_stage_history h where h.deal_id = d.id) < 2
                   and d.counterparty_id is not null
                """) == 0)

        // Paid, partly paid and unpaid invoices, with payments (the accountant sees all).
        for status in ["paid", "partially_paid", "unpaid"] {
            let list = try await server.call("GET", "/api/v1/invoices?status=\(status)&limit=500", token: accountant)
            #expect(list.status == 200 && !Self.items(list.body).isEmpty, "no \(status) invoice: \(list.status) \(list.body.prefix(200))")
        }
        let payments = try await server.call("GET", "/api/v1/payments?limit=500", token: accountant)
        #expect(payments.status == 200 && !Self.items(payments.body).isEmpty)

        // A client with a former and a current legal entity: its card shows both.
        let client = try await value(
            """
            select c.id from crm.clients c
             where exists (select 1 from crm.counterparties k where k.client_id = c.id and k.valid_to < current_date)
               and exists (select 1 from crm.counterparties k where k.client_id = c.id and k.valid_to is null)
               and c.owner_id = (select id from crm.users where login = 'manager.msk')
             order by c.id limit 1
            """)
        let card = try await server.call("GET", "/api/v1/clients/\(client)/card", token: managerMsk)
        #expect(card.status == 200, "\(card.body.prefix(300))")
        let counterparties = JSON.object(card.body)["counterparties"] as? [[String: Any]] ?? []
        #expect(counterparties.count == 2)
        #expect(counterparties.filter { $0["current"] as? Bool == true }.count == 1)
        #expect(counterparties.filter { $0["current"] as? Bool == false && $0["valid_to"] is String }.count == 1)
        let analytics = JSON.object(card.body)["analytics"] as? [String: Any] ?? [:]
        #expect((Self.int(analytics["counterparties_ever"]) ?? 0) == 2)
        #expect((Self.int(analytics["deals_won"]) ?? 0) >= 1)

        // Territory rules: manager.msk sees its deals; manager.spb (North-West) sees none of them,
        // since they are all on Moscow and Tula clients, but sees its own.
        let msk = try await value("select id from crm.users where login = 'manager.msk'")
        let spb = try await value("select id from crm.users where login = 'manager.spb'")
        let mskDeals = try await value("select count(*) from crm.deals where owner_id = \(msk)")
        #expect(mskDeals >= 10)
        #expect(
            try await value(
                """
                select count(*) from crm.deals d join crm.territories t on t.id = d.territory_id
                 where d.owner_id = \(msk) and t.name not in ('Moscow', 'Tula')
                """) == 0)
        let ownSeen = try await server.call("GET", "/api/v1/deals?owner_id=\(msk)&limit=500", token: managerMsk)
        #expect(ownSeen.status == 200 && JSON.ids(ownSeen.body).count == Int(mskDeals))
        let spbSeesMsk = try await server.call("GET", "/api/v1/deals?owner_id=\(msk)&limit=500", token: managerSpb)
        #expect(spbSeesMsk.status == 200 && JSON.ids(spbSeesMsk.body).isEmpty, "\(spbSeesMsk.body.prefix(300))")
        let spbOwn = try await server.call("GET", "/api/v1/deals?owner_id=\(spb)&limit=500", token: managerSpb)
        #expect(JSON.ids(spbOwn.body).count == Int(try await value("select count(*) from crm.deals where owner_id = \(spb)")))
        let mskCard = try await server.call("GET", "/api/v1/clients/\(client)/card", token: managerSpb)
        #expect(mskCard.status == 404)

        // Tasks: done, open and overdue ones, with reminders.
        #expect(try await value("select count(*) from crm.tasks where status = 'done'") > 0)
        #expect(try await value("select count(*) from crm.tasks where status = 'open' and due_at < now()") > 0)
        #expect(try await value("select count(*) from crm.tasks where status = 'open' and reminder_at > now()") > 0)

        // Once only.
        await #expect(throws: (any Error).self) { try await owner.query("select crm_private.install_demo_data()") }
        #expect(try await value("select crm_private.install_pipeline('purchase')") == Self.int(purchase["id"]))

        try await server.stop()
    }
}

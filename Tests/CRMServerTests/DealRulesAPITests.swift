import Foundation
import Testing

/// The deal rules over HTTP: stages move forward one at a time unless the stages between are
/// skippable; won only without unpaid invoices (the error names them); lost needs a loss reason;
/// a closed deal does not move; the stage history records who moved it; custom fields are
/// validated on every write together with the other fields.
@Suite("Deal rules", .serialized, .stopsItsServers)
struct DealRulesAPITests {
    /// The default pipeline's stage ids by code.
    static func stages(_ client: APIClient) async throws -> [String: Int64] {
        let pipelines = try await client.get("/api/v1/pipelines")
        let sales = try #require(pipelines.items.first { $0["is_default"] as? Bool == true })
        var out: [String: Int64] = [:]
        for stage in sales["stages"] as? [[String: Any]] ?? [] {
            out[stage["code"] as! String] = (stage["id"] as! NSNumber).int64Value
        }
        return out
    }

    @Test("pipelines list their stages in order")
    func pipelinesInOrder() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let response = try await manager.get("/api/v1/pipelines")
        #expect(response.status == 200)
        for pipeline in response.items {
            let positions = (pipeline["stages"] as? [[String: Any]] ?? []).compactMap { ($0["position"] as? NSNumber)?.intValue }
            #expect(!positions.isEmpty && positions == positions.sorted(), "\(pipeline)")
        }
        let sales = try await Self.stages(manager)
        #expect(Array(sales.keys).sorted() == ["lost", "negotiation", "new", "proposal", "qualification", "won"])
        try await server.stop()
    }

    @Test("next stage only, skippable ones may be jumped, won needs paid invoices, lost needs a reason, closed stays closed")
    func stageMoves() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let accountant = try await APIClient.signIn(server, "accountant")
        let stage = try await Self.stages(manager)
        let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Стадии»"}"#)
        let counterparty = try await manager.create(
            "/api/v1/counterparties", #"{"client_id": \#(client), "legal_name": "ООО Стадии", "inn": "7707083893", "kpp": "773601001"}"#)
        let deal = try await manager.create(
            "/api/v1/deals",
            #"{"title": "Поставка оборудования", "client_id": \#(client), "counterparty_id": \#(counterparty), "amount": "250000.00"}"#)
        var response = try await manager.get("/api/v1/deals/\(deal)")
        #expect(response.int("stage_id") == stage["new"], "a new deal starts at the first stage")

        // new → proposal jumps qualification, which is skippable: allowed.
        response = try await manager.patch("/api/v1/deals/\(deal)", #"{"stage_id": \#(stage["proposal"]!)}"#)
        #expect(response.status == 200, "\(response.text)")
        // proposal → won jumps negotiation (skippable) and lands on won: allowed only without unpaid invoices.
        let invoice = try await accountant.create(
            "/api/v1/invoices", #"{"deal_id": \#(deal), "counterparty_id": \#(counterparty), "number": "СЧ-77", "amount": "250000.00"}"#)
        response = try await manager.patch("/api/v1/deals/\(deal)", #"{"stage_id": \#(stage["won"]!)}"#)
        #expect(response.status == 409)
        #expect(response.errorMessage.contains("СЧ-77"), "the error names the invoice: \(response.text)")
        // A partial payment is not enough; the full one is.
        _ = try await accountant.create("/api/v1/payments", #"{"invoice_id": \#(invoice), "amount": "100000.00"}"#)
        response = try await accountant.get("/api/v1/invoices/\(invoice)")
        #expect(response.string("status") == "partially_paid")
        #expect(response.string("paid_amount") == "100000.00")
        response = try await manager.patch("/api/v1/deals/\(deal)", #"{"stage_id": \#(stage["won"]!)}"#)
        #expect(response.status == 409)
        _ = try await accountant.create("/api/v1/payments", #"{"invoice_id": \#(invoice), "amount": "150000.00"}"#)
        // A user cannot mark an invoice paid by hand: paid_amount is read-only.
        response = try await accountant.patch("/api/v1/invoices/\(invoice)", #"{"paid_amount": "0"}"#)
        #expect(response.status == 422)
        response = try await manager.patch("/api/v1/deals/\(deal)", #"{"stage_id": \#(stage["won"]!)}"#)
        #expect(response.status == 200, "\(response.text)")
        #expect(response["closed_at"] is String)
        // A won deal is closed.
        response = try await manager.patch("/api/v1/deals/\(deal)", #"{"stage_id": \#(stage["negotiation"]!)}"#)
        #expect(response.status == 409)
        #expect(response.errorMessage.contains("closed"))

        // new → negotiation jumps proposal, which is not skippable.
        let second = try await manager.create("/api/v1/deals", #"{"title": "Вторая сделка", "client_id": \#(client)}"#)
        response = try await manager.patch("/api/v1/deals/\(second)", #"{"stage_id": \#(stage["negotiation"]!)}"#)
        #expect(response.status == 409)
        #expect(response.errorMessage.contains("Коммерческое предложение"), "\(response.text)")
        // Lost needs a loss reason; with one it is fine from any open stage.
        response = try await manager.patch("/api/v1/deals/\(second)", #"{"stage_id": \#(stage["lost"]!)}"#)
        #expect(response.status == 422)
        #expect(response.fieldErrors["loss_reason_id"] != nil)
        let reason = try #require(try await manager.get("/api/v1/loss-reasons").ids.first)
        response = try await manager.patch("/api/v1/deals/\(second)", #"{"stage_id": \#(stage["lost"]!), "loss_reason_id": \#(reason)}"#)
        #expect(response.status == 200, "\(response.text)")
        // A deal created as lost without a reason is refused and not written.
        response = try await manager.post("/api/v1/deals", #"{"title": "Сразу проиграна", "stage_id": \#(stage["lost"]!)}"#)
        #expect(response.status == 422)
        #expect(try await manager.get("/api/v1/deals?q=\(urlQuery("Сразу проиграна"))").ids.isEmpty)

        // The stage history: entered and left, by whom.
        response = try await manager.get("/api/v1/deal-stage-history?deal_id=\(deal)")
        let history = response.items
        #expect(history.map { ($0["stage_id"] as? NSNumber)?.int64Value } == [stage["new"], stage["proposal"], stage["won"]])
        #expect(history.dropLast().allSatisfy { $0["left_at"] is String })
        #expect(history.last?["left_at"] is NSNull)
        let me = try await manager.get("/api/v1/me")
        let uid = me.json["id"] as? NSNumber
        #expect(history.dropFirst().allSatisfy { ($0["moved_by"] as? NSNumber) == uid }, "\(history) \(me.text)")
        // The history is written by the database only.
        response = try await manager.post("/api/v1/deal-stage-history", #"{"deal_id": \#(deal)}"#)
        #expect(response.status == 404 || response.status == 405)
        try await server.stop()
    }

    @Test("custom fields are validated on every write with the other fields; defaults fill in")
    func customFields() async throws {
        let server = try await RunningServer.start(demo: true)
        let admin = try await APIClient.signIn(server, "admin")
        let manager = try await APIClient.signIn(server, "manager.msk")
        let pipeline = try await admin.create("/api/v1/pipelines", #"{"name": "Проекты", "kind": "custom"}"#)
        for (code, position) in [("start", 1), ("done", 2)] {
            _ = try await admin.create(
                "/api/v1/stages",
                #"{"pipeline_id": \#(pipeline), "code": "\#(code)", "name": "Стадия \#(code)", "position": \#(position), "kind": "\#(code == "done" ? "won" : "open")"}"#
            )
        }
        let fields = [
            #"{"pipeline_id": \#(pipeline), "key": "grade", "label": "Сорт", "type": "enum", "options": ["высший", "первый"], "required": true}"#,
            #"{"pipeline_id": \#(pipeline), "key": "prepay", "label": "100% предоплата", "type": "boolean", "default_value": true}"#,
            #"{"pipeline_id": \#(pipeline), "key": "pay_date", "label": "Дата оплаты", "type": "date"}"#,
            #"{"pipeline_id": \#(pipeline), "key": "budget", "label": "Бюджет", "type": "money"}"#,
            #"{"pipeline_id": \#(pipeline), "key": "scan", "label": "Скан счёта", "type": "file"}"#,
        ]
        for field in fields { _ = try await admin.create("/api/v1/custom-fields", field) }
        // Managers may not change the catalogs.
        var response = try await manager.post("/api/v1/custom-fields", fields[2].replacingOccurrences(of: "pay_date", with: "x"))
        #expect(response.status == 403)

        response = try await manager.post(
            "/api/v1/deals",
            """
            {"title": "", "pipeline_id": \(pipeline),
             "custom_fields": {"grade": "третий", "pay_date": "2026-13-01", "budget": "1.234", "scan": 999999, "extra": 1}}
            """)
        #expect(response.status == 422)
        #expect(Set(response.fieldErrors.keys) == ["title"], "field checks first: \(response.text)")
        response = try await manager.post(
            "/api/v1/deals",
            """
            {"title": "Проект", "pipeline_id": \(pipeline),
             "custom_fields": {"grade": "третий", "pay_date": "2026-13-01", "budget": "1.234", "scan": 999999, "extra": 1}}
            """)
        #expect(response.status == 422)
        #expect(
            Set(response.fieldErrors.keys) == [
                "custom_fields.grade", "custom_fields.pay_date", "custom_fields.budget", "custom_fields.scan", "custom_fields.extra",
            ], "\(response.text)")
        response = try await manager.post("/api/v1/deals", #"{"title": "Проект", "pipeline_id": \#(pipeline)}"#)
        #expect(response.fieldErrors["custom_fields.grade"] == "required", "\(response.text)")
        response = try await manager.post(
            "/api/v1/deals",
            """
            {"title": "Проект", "pipeline_id": \(pipeline), "custom_fields": {"grade": "высший", "pay_date": "2026-12-31", "budget": "1500.50"}}
            """)
        #expect(response.status == 201, "\(response.text)")
        let values = response["custom_fields"] as? [String: Any] ?? [:]
        #expect(values["prepay"] as? Bool == true, "the boolean default fills in")
        let deal = try #require(response.id)
        response = try await manager.patch("/api/v1/deals/\(deal)", #"{"custom_fields": {"grade": "нет такого"}}"#)
        #expect(response.status == 422)
        #expect(response.fieldErrors["custom_fields.grade"] != nil)
        // A stage of another pipeline is refused.
        let sales = try await Self.stages(manager)
        response = try await manager.patch("/api/v1/deals/\(deal)", #"{"stage_id": \#(sales["proposal"]!)}"#)
        #expect(response.status == 422)
        #expect(response.fieldErrors["stage_id"] != nil, "\(response.text)")
        try await server.stop()
    }
}

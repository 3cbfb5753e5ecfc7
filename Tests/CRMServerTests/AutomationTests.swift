import Foundation
import Testing

/// The processes carry themselves (issue 5): the purchase pipeline walked from «Заявка
/// сформирована» to «Сопроводительные документы отправлены» with each person only completing
/// their tasks and answering approvals; a reject sends the deal back; a task without its proof
/// is refused; exit conditions and branches hold for manual moves; only approvers answer.
@Suite("Automation: stage rules and approvals", .serialized, .stopsItsServers)
struct AutomationTests {
    /// A pipeline's stage ids by code.
    static func stages(_ client: APIClient, pipeline: Int64) async throws -> [String: Int64] {
        let response = try await client.get("/api/v1/stages?pipeline_id=\(pipeline)&limit=100")
        var out: [String: Int64] = [:]
        for stage in response.items { out[stage["code"] as! String] = (stage["id"] as! NSNumber).int64Value }
        return out
    }

    static func preset(_ server: RunningServer, _ name: String) async throws -> Int64 {
        try await ownerQuery(server, "select crm_private.install_preset(\(name))")[0].decode(Int64.self, at: 0)
    }

    static func stageID(_ client: APIClient, deal: Int64) async throws -> Int64? {
        try await client.get("/api/v1/deals/\(deal)").int("stage_id")
    }

    /// Each round every person completes their open tasks on the deal (filling the invoice
    /// number and scan when choosing the invoice) and approves their pending approvals, until
    /// the deal reaches `target`; nobody moves the deal. Returns who did what.
    static func work(deal: Int64, until target: Int64, people: [String], clients: [String: APIClient]) async throws -> [String] {
        var acted: [String] = []
        let observer = clients[people[0]]!
        func reached() async throws -> Bool { try await stageID(observer, deal: deal) == target }
        for _ in 0..<30 {
            var progressed = false
            for login in people {
                if try await reached() { return acted }
                let me = clients[login]!
                let uid = try #require(try await me.get("/api/v1/me").int("id"))
                for task in try await me.get("/api/v1/tasks?deal_id=\(deal)&status=open&assignee_id=\(uid)").items
                where task["proof"] as? String != "approval" {
                    let taskID = (task["id"] as! NSNumber).int64Value
                    let done = try await me.patch("/api/v1/tasks/\(taskID)", #"{"status": "done"}"#)
                    #expect(done.status == 200, "\(login) task \(task["title"] ?? ""): \(done.text)")
                    acted.append("\(login): \(task["title"] as? String ?? "")")
                    progressed = true
                    if task["title"] as? String == "Выбрать счёт к оплате" {
                        // The offer goes to approval only with the invoice number and scan filled.
                        let stage = try await stageID(observer, deal: deal)
                        let scan = try await me.call(
                            "POST", "/api/v1/files?name=\(urlQuery("счёт П-1.pdf"))&deal_id=\(deal)", "%PDF-1.4 счёт",
                            headers: ["Content-Type": "application/pdf"])
                        #expect(scan.status == 201, "\(scan.text)")
                        let filled = try await me.patch(
                            "/api/v1/deals/\(deal)",
                            #"{"custom_fields": {"invoice_number": "П-1", "invoice_date": "2026-11-20", "invoice_scan": \#(scan.id ?? 0)}}"#
                        )
                        #expect(filled.status == 200, "\(filled.text)")
                        #expect(filled.int("stage_id") != stage, "the filled fields let the deal move on")
                        acted.append("\(login): invoice fields")
                    }
                    if try await reached() { return acted }
                }
                for approval in try await me.get("/api/v1/approvals?deal_id=\(deal)&status=pending&approver_id=\(uid)").items {
                    let answer = try await me.post(
                        "/api/v1/approvals/\((approval["id"] as! NSNumber).int64Value)/answer",
                        #"{"decision": "approve", "comment": "Согласовано"}"#)
                    #expect(answer.status == 200, "\(login) approval: \(answer.text)")
                    acted.append("\(login): approved \(approval["title"] as? String ?? "")")
                    progressed = true
                    if try await reached() { return acted }
                }
            }
            if !progressed { break }
        }
        return acted
    }

    @Test("the purchase pipeline walks itself from the request to the documents sent")
    func purchaseWalk() async throws {
        let server = try await RunningServer.start(demo: true)
        let pipeline = try await Self.preset(server, "purchase")
        let people = ["purchaser", "procurement.head", "director", "accountant"]
        var clients: [String: APIClient] = [:]
        for login in people { clients[login] = try await APIClient.signIn(server, login) }
        let purchaser = clients["purchaser"]!
        let stage = try await Self.stages(purchaser, pipeline: pipeline)
        let supplier = try await purchaser.create("/api/v1/clients", #"{"name": "ООО «Поставщик муки»", "kind": "supplier"}"#)
        let deal = try await purchaser.create(
            "/api/v1/deals", #"{"title": "Закупка муки, 20 т", "pipeline_id": \#(pipeline), "client_id": \#(supplier), "amount": "640000"}"#
        )
        #expect(try await Self.stageID(purchaser, deal: deal) == stage["request_formed"])

        let acted = try await Self.work(deal: deal, until: stage["documents_sent"]!, people: people, clients: clients)
        #expect(try await Self.stageID(purchaser, deal: deal) == stage["documents_sent"], "\(acted)")
        #expect(acted.contains { $0.hasPrefix("procurement.head: approved") })
        #expect(acted.contains { $0.hasPrefix("director: approved") })
        #expect(acted.contains { $0.hasPrefix("accountant: approved") })
        #expect(acted.contains { $0.hasPrefix("accountant: Запланировать оплату") })

        // Every move after the first was made by the rules, on behalf of the person who acted.
        let history = try await purchaser.get("/api/v1/deal-stage-history?deal_id=\(deal)&limit=100").items
        #expect(history.count == 13)
        #expect(history.dropFirst().allSatisfy { $0["by_automation"] as? Bool == true }, "\(history)")
        let movers = Set(history.dropFirst().compactMap { ($0["moved_by"] as? NSNumber)?.int64Value })
        #expect(movers.count >= 3, "moves on behalf of several people: \(movers)")
        // The approvals and their comments are on the deal and in the audit log.
        let approvals = try await purchaser.get("/api/v1/approvals?deal_id=\(deal)").items
        #expect(approvals.map { $0["status"] as? String } == ["approved", "approved", "approved"])
        let audited = try await ownerQuery(
            server,
            "select count(*) from audit.log where table_name = 'crm.approvals' and row_id in (select id from crm.approvals where deal_id = \(deal))"
        )[0]
        .decode(Int64.self, at: 0)
        #expect(audited >= 6)
        try await server.stop()
    }

    @Test("a reject sends the deal back with the comment; only the step's approver with the approve right answers")
    func rejectAndRights() async throws {
        let server = try await RunningServer.start(demo: true)
        let pipeline = try await Self.preset(server, "purchase")
        let purchaser = try await APIClient.signIn(server, "purchaser")
        let head = try await APIClient.signIn(server, "procurement.head")
        let director = try await APIClient.signIn(server, "director")
        let stage = try await Self.stages(purchaser, pipeline: pipeline)
        let deal = try await purchaser.create("/api/v1/deals", #"{"title": "Закупка сахара", "pipeline_id": \#(pipeline)}"#)
        // A manual move past an open task is refused, naming it.
        var response = try await purchaser.patch("/api/v1/deals/\(deal)", #"{"stage_id": \#(stage["request_sent"]!)}"#)
        #expect(response.status == 409)
        #expect(response.errorMessage.contains("Отправить запрос поставщикам"), "\(response.text)")
        // The purchaser works the deal up to the head's approval.
        _ = try await Self.work(deal: deal, until: stage["head_approval"]!, people: ["purchaser"], clients: ["purchaser": purchaser])
        #expect(try await Self.stageID(purchaser, deal: deal) == stage["head_approval"])
        let pending = try await head.get("/api/v1/approvals?deal_id=\(deal)&status=pending").items
        let approval = try #require(pending.first.flatMap { ($0["id"] as? NSNumber)?.int64Value })
        // The director is not this step's approver; a reject needs a comment; tasks of approvals
        // are answered, not marked done.
        #expect(try await director.post("/api/v1/approvals/\(approval)/answer", #"{"decision": "approve"}"#).status == 403)
        response = try await head.post("/api/v1/approvals/\(approval)/answer", #"{"decision": "reject"}"#)
        #expect(response.status == 422)
        #expect(response.fieldErrors["comment"] != nil)
        response = try await head.post("/api/v1/approvals/\(approval)/answer", #"{"decision": "maybe", "extra": 1}"#)
        #expect(Set(response.fieldErrors.keys) == ["decision", "extra"])
        let task = try #require(pending.first.flatMap { ($0["task_id"] as? NSNumber)?.int64Value })
        response = try await head.patch("/api/v1/tasks/\(task)", #"{"status": "done"}"#)
        #expect(response.status == 409, "\(response.text)")
        // The deal's owner can neither take the approval's task from its approver nor cancel it.
        let ownerID = try #require(try await purchaser.get("/api/v1/me").int("id"))
        response = try await purchaser.patch("/api/v1/tasks/\(task)", #"{"assignee_id": \#(ownerID)}"#)
        #expect(response.status == 409, "\(response.text)")
        #expect(response.errorMessage.contains("belongs to an approval"), "\(response.text)")
        response = try await purchaser.patch("/api/v1/tasks/\(task)", #"{"status": "cancelled"}"#)
        #expect(response.status == 409, "\(response.text)")
        let stillPending = try await ownerQuery(
            server, "select t.status || ' ' || a.status from crm.tasks t join crm.approvals a on a.task_id = t.id where t.id = \(task)")
        #expect(try stillPending[0].decode(String.self, at: 0) == "open pending")
        response = try await head.post(
            "/api/v1/approvals/\(approval)/answer", #"{"decision": "reject", "comment": "Дорого, ищите другого поставщика"}"#)
        #expect(response.status == 200, "\(response.text)")
        #expect(response.string("status") == "rejected")
        #expect(try await Self.stageID(purchaser, deal: deal) == stage["offer_received"])
        let history = try await purchaser.get("/api/v1/deal-stage-history?deal_id=\(deal)&limit=100").items
        #expect(history.last?["by_automation"] as? Bool == true)
        let open = try await purchaser.get("/api/v1/tasks?deal_id=\(deal)&status=open").items.compactMap { $0["title"] as? String }
        #expect(open.contains("Выбрать счёт к оплате"), "the stage's tasks again: \(open)")
        // Answered once only.
        #expect(try await head.post("/api/v1/approvals/\(approval)/answer", #"{"decision": "approve"}"#).status == 409)
        let comment = try await ownerQuery(server, "select comment from crm.approvals where id = \(approval)")[0].decode(String.self, at: 0)
        #expect(comment == "Дорого, ищите другого поставщика")

        // A step whose approver lacks the approve right: refused with 403.
        let admin = try await APIClient.signIn(server, "admin")
        let purchaserID = try #require(try await purchaser.get("/api/v1/me").int("id"))
        let custom = try await admin.create("/api/v1/pipelines", #"{"name": "Проверка прав", "kind": "custom"}"#)
        let first = try await admin.create(
            "/api/v1/stages", #"{"pipeline_id": \#(custom), "code": "a", "name": "А", "position": 1, "auto_advance": true}"#)
        _ = try await admin.create("/api/v1/stages", #"{"pipeline_id": \#(custom), "code": "b", "name": "Б", "position": 2}"#)
        _ = try await admin.create(
            "/api/v1/approval-steps",
            #"{"stage_id": \#(first), "title": "Согласует закупщик", "approver_rule": "user", "approver_user_id": \#(purchaserID)}"#)
        let other = try await purchaser.create("/api/v1/deals", #"{"title": "Права", "pipeline_id": \#(custom)}"#)
        let step = try #require(try await purchaser.get("/api/v1/approvals?deal_id=\(other)").ids.first)
        response = try await purchaser.post("/api/v1/approvals/\(step)/answer", #"{"decision": "approve"}"#)
        #expect(response.status == 403, "\(response.text)")
        try await server.stop()
    }

    @Test("typical sale: the first-contact task needs an interaction; a paid invoice closes the deal as won")
    func typicalSale() async throws {
        let server = try await RunningServer.start(demo: true)
        let pipeline = try await Self.preset(server, "typical_sale")
        let manager = try await APIClient.signIn(server, "manager.msk")
        let accountant = try await APIClient.signIn(server, "accountant")
        let stage = try await Self.stages(manager, pipeline: pipeline)
        let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Типовой клиент»"}"#)
        let deal = try await manager.create(
            "/api/v1/deals", #"{"title": "Мука для пекарни", "pipeline_id": \#(pipeline), "client_id": \#(client)}"#)
        func openTask() async throws -> Int64 {
            try #require(try await manager.get("/api/v1/tasks?deal_id=\(deal)&status=open").ids.first)
        }
        var response = try await manager.patch("/api/v1/tasks/\(try await openTask())", #"{"status": "done"}"#)
        #expect(response.status == 409)
        #expect(response.errorMessage.contains("interaction"), "\(response.text)")
        _ = try await manager.create(
            "/api/v1/interactions", #"{"client_id": \#(client), "kind": "call", "direction": "inbound", "summary": "Позвонил, нужна мука"}"#
        )
        response = try await manager.patch("/api/v1/tasks/\(try await openTask())", #"{"status": "done"}"#)
        #expect(response.status == 200, "\(response.text)")
        #expect(try await Self.stageID(manager, deal: deal) == stage["qualification"])
        for _ in 0..<3 {  // qualify, proposal, order's invoice task
            _ = try await manager.patch("/api/v1/tasks/\(try await openTask())", #"{"status": "done"}"#)
        }
        #expect(try await Self.stageID(manager, deal: deal) == stage["order"], "waits for the invoice to be paid")
        let counterparty = try await manager.create(
            "/api/v1/counterparties", #"{"client_id": \#(client), "legal_name": "ООО Типовой", "inn": "7707083893", "kpp": "773601001"}"#)
        let invoice = try await accountant.create(
            "/api/v1/invoices", #"{"deal_id": \#(deal), "counterparty_id": \#(counterparty), "number": "Т-1", "amount": "5000"}"#)
        #expect(try await Self.stageID(manager, deal: deal) == stage["order"])
        _ = try await accountant.create("/api/v1/payments", #"{"invoice_id": \#(invoice), "amount": "5000"}"#)
        #expect(try await Self.stageID(manager, deal: deal) == stage["sale_paid"])
        #expect(try await manager.get("/api/v1/deals/\(deal)")["closed_at"] is String)
        try await server.stop()
    }

    @Test("b2b sale: after the preliminary proposal the deal waits for a choice; only the offered branches are allowed")
    func branches() async throws {
        let server = try await RunningServer.start(demo: true)
        let pipeline = try await Self.preset(server, "b2b_sale")
        let manager = try await APIClient.signIn(server, "manager.msk")
        let stage = try await Self.stages(manager, pipeline: pipeline)
        let deal = try await manager.create("/api/v1/deals", #"{"title": "Дистрибуция улучшителей", "pipeline_id": \#(pipeline)}"#)
        for _ in 0..<2 {
            let task = try #require(try await manager.get("/api/v1/tasks?deal_id=\(deal)&status=open").ids.first)
            #expect(try await manager.patch("/api/v1/tasks/\(task)", #"{"status": "done"}"#).status == 200)
        }
        #expect(try await Self.stageID(manager, deal: deal) == stage["preliminary_proposal"], "a choice: no move by itself")
        var response = try await manager.patch("/api/v1/deals/\(deal)", #"{"stage_id": \#(stage["samples"]!)}"#)
        #expect(response.status == 409)
        #expect(response.errorMessage.contains("Выбор рецептуры") && response.errorMessage.contains("Коммерческое предложение"))
        response = try await manager.patch("/api/v1/deals/\(deal)", #"{"stage_id": \#(stage["proposal"]!)}"#)
        #expect(response.status == 200, "the short process: \(response.text)")
        try await server.stop()
    }
}

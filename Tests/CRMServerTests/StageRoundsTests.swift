import CRMServer
import Foundation
import PostgresClient
import TestSupport
import Testing

/// The rules cannot be walked around (issue 9): a required task is done with its proof, not
/// cancelled away; a rejected approval does not block the next round; a new network rule ends
/// the sessions it refuses; the audit head is written while the server runs.
@Suite("Stage rounds, required tasks, network rules, audit head", .serialized, .stopsItsServers)
struct StageRoundsTests {
    @Test("a required task with an interaction proof cannot be cancelled away; a head's cancel issues it again")
    func requiredTaskCancel() async throws {
        let server = try await RunningServer.start(demo: true)
        let pipeline = try await AutomationTests.preset(server, "typical_sale")
        let manager = try await APIClient.signIn(server, "manager.msk")
        let head = try await APIClient.signIn(server, "head.msk")
        let stage = try await AutomationTests.stages(manager, pipeline: pipeline)
        let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Без звонка»"}"#)
        let deal = try await manager.create("/api/v1/deals", #"{"title": "Мука", "pipeline_id": \#(pipeline), "client_id": \#(client)}"#)
        let first = try #require(try await AutomationTests.stageID(manager, deal: deal))
        let open = try await manager.get("/api/v1/tasks?deal_id=\(deal)&status=open").items
        let task = try #require(open.first)
        let taskID = try #require((task["id"] as? NSNumber)?.int64Value)
        #expect(task["required"] as? Bool == true && task["proof"] as? String == "interaction", "\(task)")

        var response = try await manager.patch("/api/v1/tasks/\(taskID)", #"{"status": "cancelled"}"#)
        #expect(response.status == 403, "\(response.text)")
        #expect(response.errorMessage.contains("required"), "\(response.text)")
        #expect(try await AutomationTests.stageID(manager, deal: deal) == first)

        response = try await head.patch("/api/v1/tasks/\(taskID)", #"{"status": "cancelled"}"#)
        #expect(response.status == 200, "\(response.text)")
        #expect(try await AutomationTests.stageID(manager, deal: deal) == first, "cancelling does not satisfy the stage")
        let again = try await manager.get("/api/v1/tasks?deal_id=\(deal)&status=open").items
        let reissued = try #require(again.first { $0["title"] as? String == task["title"] as? String })
        let reissuedID = try #require((reissued["id"] as? NSNumber)?.int64Value)
        #expect(reissuedID != taskID)
        response = try await manager.patch("/api/v1/tasks/\(reissuedID)", #"{"status": "done"}"#)
        #expect(response.status == 409, "the proof is still asked for: \(response.text)")
        _ = try await manager.create(
            "/api/v1/interactions", #"{"client_id": \#(client), "kind": "call", "direction": "outbound", "summary": "Дозвонился"}"#)
        response = try await manager.patch("/api/v1/tasks/\(reissuedID)", #"{"status": "done"}"#)
        #expect(response.status == 200, "\(response.text)")
        #expect(try await AutomationTests.stageID(manager, deal: deal) == stage["qualification"])
        try await server.stop()
    }

    @Test("after a reject a new attempt starts a new round of the chain; the director gets 403 on another's step")
    func approvalRounds() async throws {
        let server = try await RunningServer.start(demo: true)
        let pipeline = try await AutomationTests.preset(server, "purchase")
        let purchaser = try await APIClient.signIn(server, "purchaser")
        let head = try await APIClient.signIn(server, "procurement.head")
        let director = try await APIClient.signIn(server, "director")
        let stage = try await AutomationTests.stages(purchaser, pipeline: pipeline)
        let deal = try await purchaser.create("/api/v1/deals", #"{"title": "Закупка дрожжей", "pipeline_id": \#(pipeline)}"#)
        let clients = ["purchaser": purchaser]
        _ = try await AutomationTests.work(deal: deal, until: stage["head_approval"]!, people: ["purchaser"], clients: clients)
        func pending() async throws -> Int64 {
            try #require(try await head.get("/api/v1/approvals?deal_id=\(deal)&status=pending").ids.first)
        }
        let first = try await pending()
        var response = try await director.post("/api/v1/approvals/\(first)/answer", #"{"decision": "approve"}"#)
        #expect(response.status == 403, "visible to the director, not his to answer: \(response.text)")
        #expect(try await purchaser.post("/api/v1/approvals/999999/answer", #"{"decision": "approve"}"#).status == 404)
        response = try await head.post("/api/v1/approvals/\(first)/answer", #"{"decision": "reject", "comment": "Нужен другой поставщик"}"#)
        #expect(response.status == 200, "\(response.text)")
        #expect(try await AutomationTests.stageID(purchaser, deal: deal) == stage["offer_received"])

        // The purchaser brings the deal back (the invoice fields are filled already); the chain
        // starts again and the head's approval now counts.
        for _ in 0..<5 where try await AutomationTests.stageID(purchaser, deal: deal) != stage["head_approval"] {
            for task in try await purchaser.get("/api/v1/tasks?deal_id=\(deal)&status=open").items
            where task["proof"] as? String != "approval" {
                let done = try await purchaser.patch("/api/v1/tasks/\((task["id"] as! NSNumber).int64Value)", #"{"status": "done"}"#)
                #expect(done.status == 200, "\(done.text)")
            }
        }
        let missing = try await ownerQuery(server, "select array_to_string(crm_private.exit_conditions_missing(\(deal)), '; ')")
        let reason = try missing[0].decode(String?.self, at: 0) ?? ""
        #expect(try await AutomationTests.stageID(purchaser, deal: deal) == stage["head_approval"], "\(reason)")
        let second = try await pending()
        #expect(second != first)
        response = try await head.post("/api/v1/approvals/\(second)/answer", #"{"decision": "approve"}"#)
        #expect(response.status == 200, "\(response.text)")
        let now = try await AutomationTests.stageID(purchaser, deal: deal)
        #expect(now != stage["head_approval"], "the old rejected approval no longer blocks the stage")
        let statuses = try await purchaser.get("/api/v1/approvals?deal_id=\(deal)&limit=100").items.compactMap { $0["status"] as? String }
        #expect(statuses.contains("rejected") && statuses.contains("approved"), "both rounds are kept: \(statuses)")
        try await server.stop()
    }

    @Test("a new login network rule ends the open sessions it would refuse")
    func networkRuleEndsSessions() async throws {
        let server = try await RunningServer.startDemo()
        let console = try AdminConsoleClient(server)
        try await console.signIn()
        let manager = try await server.token("manager.msk")
        let other = try await server.token("manager.spb")
        #expect(try await server.me(manager).status == 200)
        let allowed = try await console.send("NET ALLOW user manager.msk 10.20.0.0/16 login \"только офис\"")
        #expect(allowed.isOK, "\(allowed)")
        #expect(try await server.me(manager).status == 401, "the session from 127.0.0.1 is outside the new rule")
        #expect(try await server.me(other).status == 200, "another user's session is untouched")
        let reason = try await ownerQuery(
            server,
            "select end_reason from crm_private.sessions where user_id = (select id from crm.users where login = 'manager.msk') order by id desc limit 1"
        )
        #expect(try reason[0].decode(String?.self, at: 0) == "network_refused")
        // A rule that covers the session's address keeps it.
        let fresh = try await server.token("manager.spb")
        #expect(try await console.send("NET ALLOW user manager.spb 127.0.0.0/8 login").isOK)
        #expect(try await server.me(fresh).status == 200)
        try await server.stop()
    }

    @Test("the audit head is written while the server runs: a chain rewritten meanwhile fails the check")
    func auditHeadWhileRunning() async throws {
        let server = try await RunningServer.start(demo: true, auditHeadInterval: .seconds(1))
        let owner = try await OwnerConnection.open(server)
        defer { owner.close() }
        let headFile = server.application.auditHeadFile
        // Let the start-up head be written, then make audited events.
        try await Task.sleep(for: .seconds(3))
        for password in ["wrong", RunningServer.demoPassword] {
            _ = try await server.httpLogin("manager.msk", password)
        }
        let newest = try await owner.query("select max(id) from audit.log")[0].decode(Int64.self, at: 0)
        var covered = false
        for _ in 0..<60 where !covered {
            try await Task.sleep(for: .milliseconds(250))
            let sealed = try await owner.query("select coalesce(max(seq), 0) from audit.log where id <= \(newest) and seq is not null")[0]
                .decode(Int64.self, at: 0)
            let unsealed = try await owner.query("select count(*) from audit.log where id <= \(newest) and seq is null")[0]
                .decode(Int64.self, at: 0)
            covered = unsealed == 0 && sealed > 0 && (headFile.read().last?.seq ?? 0) >= sealed
        }
        #expect(covered, "a head covering the new entries was written while the server ran")
        #expect(headFile.read().count >= 2, "\(headFile.read())")

        // A superuser rewrites a sealed login entry and recomputes the chain after it.
        let victim = try await owner.query(
            "select id, seq from audit.log where action = 'login_failed' and seq is not null order by id desc limit 1")[0]
        let (victimID, victimSeq) = try victim.decode((Int64, Int64).self)
        try await owner.connection.execute(
            script: """
                alter table audit.log disable trigger user;
                update audit.log set client_ip = '10.9.9.9' where id = \(victimID);
                do $$
                declare e audit.log; prev bytea;
                begin
                  select hash into prev from audit.log where seq = \(victimSeq) - 1;
                  for e in select * from audit.log where seq >= \(victimSeq) order by seq loop
                    update audit.log set prev_hash = prev, hash = sha256(prev || audit.canonical(e, e.seq)) where id = e.id
                    returning hash into prev;
                  end loop;
                  update audit.chain_head set last_hash = prev;
                end $$;
                alter table audit.log enable trigger user;
                """)
        let internalCheck = try await owner.query("select first_bad_id from audit.verify()")[0].decode(Int64?.self, at: 0)
        #expect(internalCheck == nil, "the rewrite is consistent inside the database")
        guard case .tampered = try await AuditChain.verify(on: owner.connection, recordedHeads: headFile.read()) else {
            Issue.record("the rewrite passed the check against the heads written while the server ran")
            try await server.stop()
            return
        }
        try await server.stop()
    }
}

import Foundation
import PostgresClient
import TestSupport
import Testing

/// The funnel's summary (`crm_private.deal_stage_summary`, kept by a trigger on deals, sql/305)
/// against a full recomputation, after random changes made by several connections at once —
/// inserts, amount, currency, owner/responsible/department/territory changes, stage moves,
/// deletes — and shares; and, per user, the summary-based funnel against the deals the user
/// reads directly.
@Suite("Report summaries", .serialized, .stopsItsServers)
struct ReportSummaryTests {
    static let logins = ["director", "head.msk", "manager.msk", "junior.msk", "head.spb", "manager.spb", "purchaser"]

    /// One random change as the owner (a change refused by a deal rule is simply skipped).
    static func randomChange(_ server: RunningServer, _ random: inout SystemRandomNumberGenerator) async {
        let pick = Int.random(in: 0..<9, using: &random)
        let statement: String
        switch pick {
        case 0, 1:
            statement = """
                insert into crm.deals (title, client_id, owner_id, amount, currency)
                select 'random', c.id, u.id, \(Int.random(in: 1...900000, using: &random)).\(Int.random(in: 10...99, using: &random)),
                       (array['RUB', 'USD', 'EUR'])[1 + \(Int.random(in: 0...2, using: &random))]
                  from crm.clients c, crm.users u where u.login <> 'admin' order by random() limit 1
                """
        case 2:
            statement =
                "update crm.deals set amount = amount + 0.01 * \(Int.random(in: 1...100000, using: &random)) where id = (select id from crm.deals order by random() limit 1)"
        case 3:
            statement = "update crm.deals set currency = 'EUR' where id = (select id from crm.deals order by random() limit 1)"
        case 4:
            statement =
                "update crm.deals set responsible_id = (select id from crm.users where login <> 'admin' order by random() limit 1) where id = (select id from crm.deals order by random() limit 1)"
        case 5:
            statement =
                "update crm.deals set department_id = (select id from crm.departments order by random() limit 1), territory_id = (select id from crm.territories order by random() limit 1) where id = (select id from crm.deals order by random() limit 1)"
        case 6:
            statement = """
                update crm.deals d set stage_id = (select s.id from crm.stages s join crm.stages c on c.id = d.stage_id
                                                   where s.pipeline_id = d.pipeline_id and s.position = c.position + 1 and s.kind = 'open')
                 where d.id = (select id from crm.deals order by random() limit 1)
                """
        case 7:
            statement =
                "delete from crm.deals where id = (select d.id from crm.deals d where not exists (select 1 from crm.invoices i where i.deal_id = d.id) order by random() limit 1)"
        default:
            statement = """
                insert into crm.shares (entity, row_id, user_id, access, granted_by)
                select 'deal', (select id from crm.deals order by random() limit 1), u.id, 'read', u.id
                  from crm.users u where u.login in ('junior.msk', 'manager.spb', 'purchaser') order by random() limit 1
                on conflict do nothing
                """
        }
        _ = try? await ownerQuery(server, PostgresQuery(unsafeSQL: statement))
    }

    @Test("the summary equals a full recomputation after concurrent random changes, and each user's funnel its deals")
    func summaryMatchesRecomputation() async throws {
        let server = try await RunningServer.start(demo: true, demoData: true)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var random = SystemRandomNumberGenerator()
                    for _ in 0..<60 { await Self.randomChange(server, &random) }
                }
            }
            try await group.waitForAll()
        }
        let difference = try await ownerQuery(
            server,
            """
            with fresh as (
              select pipeline_id, stage_id, currency, owner_id, coalesce(responsible_id, 0) as responsible_id,
                     coalesce(department_id, 0) as department_id, coalesce(territory_id, 0) as territory_id,
                     count(*) as deals, sum(amount) as amount
                from crm.deals group by 1, 2, 3, 4, 5, 6, 7
            ), kept as (select * from crm_private.deal_stage_summary where deals <> 0 or amount <> 0)
            select count(*) from ((select * from fresh except select * from kept) union all (select * from kept except select * from fresh)) x
            """)[0].decode(Int64.self, at: 0)
        #expect(difference == 0)
        let shares = try await ownerQuery(server, "select count(*) from crm.shares where entity = 'deal'")[0].decode(Int64.self, at: 0)
        #expect(shares > 0)

        // Per user: the summary-based funnel (GET /api/v1/reports/funnel) against the deals read
        // directly under the row rules (the sales_funnel report, every currency added up).
        let pipelines = try await ownerQuery(server, "select id from crm.pipelines order by id").map { try $0.decode(Int64.self, at: 0) }
        for login in Self.logins {
            let api = try await APIClient.signIn(server, login)
            for pipeline in pipelines {
                let fast = try await api.get("/api/v1/reports/funnel?pipeline_id=\(pipeline)")
                let direct = try await api.get("/api/v1/reports/sales_funnel?from=1900-01-01&to=2999-12-31&pipeline_id=\(pipeline)")
                #expect(fast.status == 200 && direct.status == 200)
                var expected: [Int64: (Int, Decimal)] = [:]
                for row in direct.json["rows"] as? [[String: Any]] ?? [] {
                    let stage = (row["stage_id"] as? NSNumber)?.int64Value ?? 0
                    let now = expected[stage] ?? (0, 0)
                    expected[stage] = (
                        now.0 + ((row["deals"] as? NSNumber)?.intValue ?? 0),
                        now.1 + (Decimal(string: row["amount"] as? String ?? "0") ?? 0)
                    )
                }
                for stage in fast.json["stages"] as? [[String: Any]] ?? [] {
                    let id = (stage["stage_id"] as? NSNumber)?.int64Value ?? 0
                    let deals = (stage["deals"] as? NSNumber)?.intValue ?? -1
                    let amount = Decimal(string: stage["amount"] as? String ?? "") ?? -1
                    #expect(deals == (expected[id]?.0 ?? 0), "\(login) pipeline \(pipeline) stage \(id)")
                    #expect(amount == (expected[id]?.1 ?? 0), "\(login) pipeline \(pipeline) stage \(id)")
                }
            }
        }
        try await server.stop()
    }
}

import HTTPAPI
import Hummingbird
import PostgresClient

/// `/board?pipeline=N`: the Kanban board of a pipeline — a column per stage with the count and
/// sum of its visible deals, cards with client, amount, responsible and the next open task
/// (overdue in red). Dragging a card PATCHes the deal's stage through the API (the rules decide).
/// `/deals`: the same filter as a sortable, paged list. A page runs a fixed number of queries,
/// never one per card.
struct BoardPage: Sendable {
    let runner: PageRunner

    /// Cards shown per column (the count and sum cover all of them).
    static let cardsPerColumn = 100

    func register(on router: Router<CRMRequestContext>) {
        runner.get(router, "/board") { page in try await Self.board(page) }
        runner.get(router, "/deals") { page in try await DealListPage.list(page) }
    }

    struct Stage: Sendable {
        let id: Int64
        let name: String
        let kind: String
    }

    /// The visible active pipelines, and the chosen one (the parameter, else the default, else the first).
    static func pipelines(_ page: PageContext) async throws -> (all: [(Int64, String)], chosen: Int64?) {
        let rows = try await page.rows("select id, name from crm.pipelines where active order by is_default desc, id")
        let all = rows.compactMap { row in row[0].flatMap(Int64.init).map { ($0, row[1] ?? "") } }
        let wanted = page.int64("pipeline")
        let chosen = all.first { $0.0 == wanted }?.0 ?? all.first?.0
        return (all, chosen)
    }

    static func stages(_ pipelineID: Int64, _ page: PageContext) async throws -> [Stage] {
        let rows = try await page.rows("select id, name, kind from crm.stages where pipeline_id = \(pipelineID) order by position")
        return rows.compactMap { row in row[0].flatMap(Int64.init).map { Stage(id: $0, name: row[1] ?? "", kind: row[2] ?? "open") } }
    }

    static func board(_ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        let (pipelines, chosen) = try await Self.pipelines(page)
        guard let pipelineID = chosen else {
            return .page(title: t[.navBoard], section: .board, body: "<h1>\(t[.navBoard])</h1><p class=\"muted\">\(t[.noPipelines])</p>")
        }
        let stages = try await Self.stages(pipelineID, page)
        let filter = DealFilter(page)
        let (conditions, bindings) = filter.conditions(userID: page.user.id, first: 4)
        let cards = try await page.rows(PostgresQuery(
            sql: """
                select x.id, x.title, x.stage_id, x.amount::text, x.currency, x.client_id, c.name, r.name,
                       nt.title, to_char(nt.due_at at time zone $2, 'YYYY-MM-DD HH24:MI'), nt.due_at < now(),
                       x.stage_count, x.stage_sum::text, x.version
                from (
                  select d.*, count(*) over w as stage_count, sum(d.amount) over w as stage_sum,
                         row_number() over (w order by d.stage_entered_at desc, d.id desc) as n
                  from crm.deals d
                  where d.pipeline_id = $1\(conditions)
                  window w as (partition by d.stage_id)
                ) x
                left join crm.clients c on c.id = x.client_id
                left join crm.users r on r.id = x.responsible_id
                left join lateral (
                  select t.title, t.due_at from crm.tasks t
                  where t.deal_id = x.id and t.status = 'open'
                  order by t.due_at nulls last, t.id limit 1
                ) nt on true
                where x.n <= $3
                order by x.n
                """,
            bindings: [.init(pipelineID), .init(page.user.timeZone), .init(Self.cardsPerColumn)] + bindings))
        var byStage: [Int64: [HTML]] = [:]
        var totals: [Int64: (count: String, sum: String)] = [:]
        let format = page.format
        for row in cards {
            guard let id = row[0].flatMap(Int64.init), let stageID = row[2].flatMap(Int64.init) else { continue }
            totals[stageID] = (row[11] ?? "0", row[12] ?? "0")
            let overdue = row[10] == "t"
            let task: HTML = row[8].map { title in
                "<div class=\"next-task\(overdue ? " overdue" : "")\" title=\"\(t[.nextTask])\">\(Icons.clock) \(title) · <time>\(format.time(row[9]))</time></div>"
            } ?? "<div class=\"next-task none\">\(t[.noOpenTask])</div>"
            let client: HTML = row[5].flatMap(Int64.init).map { clientID in
                row[6].map { "<a class=\"client\" href=\"/clients/\(clientID)\">\($0)</a>" } ?? .empty
            } ?? "<span class=\"client muted\">\(t[.noClient])</span>"
            byStage[stageID, default: []].append("""
                <article class="deal-card" data-deal-id="\(id)" data-stage-id="\(stageID)" data-amount="\(row[3] ?? "0")" data-version="\(row[13] ?? "")">
                  <span class="handle" aria-hidden="true">\(Icons.grip)</span>
                  <a class="title" href="/deals/\(id)">\(row[1] ?? "")</a>
                  \(client)
                  <div class="amount">\(format.money(row[3], currency: row[4]))</div>
                  <div class="responsible">\(Icons.person) \(row[7] ?? "—")</div>
                  \(task)
                </article>
                """)
        }
        let columns = stages.map { stage -> HTML in
            let total = totals[stage.id] ?? ("0", "0")
            return """
                <section class="column kind-\(stage.kind)" data-stage-id="\(stage.id)" data-kind="\(stage.kind)">
                  <header>
                    <h2>\(stage.name)</h2>
                    <div class="totals"><span class="count">\(total.count)</span> · <span class="sum" data-sum="\(total.sum)">\(format.money(total.sum, currency: "RUB"))</span></div>
                  </header>
                  <div class="cards">\(byStage[stage.id] ?? [])</div>
                </section>
                """
        }
        let lossReasons = try await page.rows("select id, name from crm.loss_reasons where active order by name")
        let reasonOptions = lossReasons.map { row -> HTML in "<option value=\"\(row[0] ?? "")\">\(row[1] ?? "")</option>" }
        let body: HTML = """
            \(try await FilterBar.render(page, pipelines: pipelines, chosen: pipelineID, filter: filter, view: "board"))
            <div class="board" id="board" data-pipeline-id="\(pipelineID)">\(columns)</div>
            <dialog id="loss-dialog" class="card">
              <form method="dialog" class="form">
                <h2>\(t[.lossReason])</h2>
                <select name="loss_reason_id" id="loss-reason">\(reasonOptions)</select>
                <div class="actions"><button value="cancel" class="link">\(t[.cancel])</button><button value="ok" class="primary" id="loss-ok">\(t[.moveDeal])</button></div>
              </form>
            </dialog>
            """
        return .page(title: t[.navBoard], section: .board, body: body)
    }
}

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

    /// Cards shown per column (the count and sum cover all of them); "show more" opens one
    /// column with `cardsWhenMore`, and beyond that the list view of the stage pages on.
    static let cardsPerColumn = 50
    static let cardsWhenMore = 500

    func register(on router: some RouterMethods<CRMRequestContext>) {
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

    /// The caller's read scopes of deals, as the deals' read policy takes them (sql/190): the
    /// territory subtree (nil: every territory, scope all), departments, the own user and the
    /// deals shared with them. Used only to add the policy's arms in an indexable form.
    struct Scope: Sendable {
        let territories: String?
        let departments: String
        let own: Int64?
        let shared: String
        let department: Int64?

        static func load(_ page: PageContext) async throws -> Scope {
            let rows = try await page.rows(
                """
                select s.territories::text, s.departments::text, s.own, s.shared::text,
                       (select u.department_id from crm.users u where u.id = \(page.user.id))
                from crm_api.deal_read_scope() s
                """)
            let row = rows.first
            return Scope(
                territories: row?[0], departments: row?[1] ?? "{}", own: row?[2].flatMap(Int64.init), shared: row?[3] ?? "{}",
                department: row?[4].flatMap(Int64.init))
        }

        /// `and (…)`: the policy's arms over deals `d` as plain comparisons the planner can serve
        /// from the rule-column indexes (none when the scope is all). Row-level security still
        /// applies on top: this only lets the plan start from the rows the user may see.
        func arms(first: Int) -> (sql: String, bindings: [PostgresBinding]) {
            guard let territories else { return ("", []) }
            let n = first
            return (
                " and (d.territory_id = any ($\(n)::bigint[]) or d.department_id = any ($\(n + 1)::bigint[])"
                    + " or d.owner_id = $\(n + 2) or d.responsible_id = $\(n + 2) or d.id = any ($\(n + 3)::bigint[]))",
                [.init(territories), .init(departments), .init(own), .init(shared)]
            )
        }
    }

    /// Count and sum per currency of a stage's deals.
    struct Total: Sendable {
        var count = 0
        var sums: [(currency: String, amount: String)] = []
    }

    /// Per stage the count and sums of the visible deals that pass the filter: from the funnel
    /// summary when the filter has only its key columns (mine, department, responsible), else
    /// counted over the filtered deals. Either way one statement for the whole board.
    static func totals(_ pipelineID: Int64, filter: DealFilter, scope: Scope, page: PageContext) async throws -> [Int64: Total] {
        let rows: PostgresRows
        if filter.summarisable {
            var responsible = filter.responsibleID
            if filter.mine {
                if let other = responsible, other != page.user.id { responsible = -1 } else { responsible = page.user.id }
            }
            let department: Int64? = filter.department ? (scope.department ?? -1) : nil
            rows = try await page.rows(
                """
                select stage_id, currency, deals, amount::text
                from crm_api.deal_board_totals(\(pipelineID), \(responsible), \(department))
                order by stage_id, currency <> 'RUB', currency
                """)
        } else {
            let (conditions, bindings) = filter.conditions(userID: page.user.id, first: 2)
            let (arms, armBindings) = scope.arms(first: 2 + bindings.count)
            rows = try await page.rows(
                PostgresQuery(
                    sql: """
                        select d.stage_id, d.currency::text, count(*), sum(d.amount)::text
                        from crm.deals d
                        where d.pipeline_id = $1\(conditions)\(arms)
                        group by d.stage_id, d.currency::text
                        order by d.stage_id, d.currency::text <> 'RUB', d.currency::text
                        """,
                    bindings: [.init(pipelineID)] + bindings + armBindings))
        }
        var totals: [Int64: Total] = [:]
        for row in rows {
            guard let stage = row[0].flatMap(Int64.init) else { continue }
            totals[stage, default: Total()].count += Int(row[2] ?? "0") ?? 0
            totals[stage, default: Total()].sums.append((row[1] ?? "RUB", row[3] ?? "0"))
        }
        return totals
    }

    static func board(_ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        let (pipelines, chosen) = try await Self.pipelines(page)
        guard let pipelineID = chosen else {
            return .page(title: t[.navBoard], section: .board, body: "<h1>\(t[.navBoard])</h1><p class=\"muted\">\(t[.noPipelines])</p>")
        }
        let stages = try await Self.stages(pipelineID, page)
        var filter = DealFilter(page)
        filter.stageID = nil
        let scope = try await Scope.load(page)
        let totals = try await Self.totals(pipelineID, filter: filter, scope: scope, page: page)
        let more = page.int64("more")
        // The stages with deals, each with its own limit: a column reads its newest cards through
        // deals_board_idx (or the rule-column indexes for a user who sees few), never the whole stage.
        let shownStages = stages.filter { (totals[$0.id]?.count ?? 0) > 0 }
        // One statement: per stage a sub-select with its own literal limit (our constants, so the
        // planner knows the board holds at most a few hundred cards and joins them by index).
        let (conditions, bindings) = filter.conditions(userID: page.user.id, first: 3)
        let (arms, armBindings) = scope.arms(first: 3 + bindings.count)
        var stageBindings: [PostgresBinding] = []
        let perStage = shownStages.enumerated().map { index, stage -> String in
            stageBindings.append(.init(stage.id))
            let limit = stage.id == more ? Self.cardsWhenMore : Self.cardsPerColumn
            return """
                (select d.id, d.title, d.stage_id, d.amount, d.currency, d.client_id, d.responsible_id, d.version,
                        d.stage_entered_at, \(index) as position
                 from crm.deals d
                 where d.stage_id = $\(3 + bindings.count + armBindings.count + index) and d.pipeline_id = $1\(conditions)\(arms)
                 order by d.stage_entered_at desc, d.id desc
                 limit \(limit))
                """
        }
        let cards =
            perStage.isEmpty
            ? []
            : Array(
                try await page.rows(
                    PostgresQuery(
                        sql: """
                            with x as (
                            \(perStage.joined(separator: "\nunion all\n"))
                            )
                            select x.id, x.title, x.stage_id, x.amount::text, x.currency, x.client_id, c.name, r.name,
                                   nt.title, to_char(nt.due_at at time zone $2, 'YYYY-MM-DD HH24:MI'), nt.due_at < now(), x.version
                            from x
                            left join crm.clients c on c.id = x.client_id
                            left join crm.users r on r.id = x.responsible_id
                            left join lateral (
                              select t.title, t.due_at from crm.tasks t
                              where t.deal_id = x.id and t.status = 'open'
                              order by t.due_at nulls last, t.id limit 1
                            ) nt on true
                            order by x.position, x.stage_entered_at desc, x.id desc
                            """,
                        bindings: [.init(pipelineID), .init(page.user.timeZone)] + bindings + armBindings + stageBindings)))
        var byStage: [Int64: [HTML]] = [:]
        let format = page.format
        for row in cards {
            guard let id = row[0].flatMap(Int64.init), let stageID = row[2].flatMap(Int64.init) else { continue }
            let overdue = row[10] == "t"
            let task: HTML =
                row[8].map { title in
                    "<div class=\"next-task\(overdue ? " overdue" : "")\" title=\"\(t[.nextTask])\">\(Icons.clock) \(title) · <time>\(format.time(row[9]))</time></div>"
                } ?? "<div class=\"next-task none\">\(t[.noOpenTask])</div>"
            let client: HTML =
                row[5].flatMap(Int64.init).map { clientID in
                    row[6].map { "<a class=\"client\" href=\"/clients/\(clientID)\">\($0)</a>" } ?? .empty
                } ?? "<span class=\"client muted\">\(t[.noClient])</span>"
            byStage[stageID, default: []].append(
                """
                <article class="deal-card" data-deal-id="\(id)" data-stage-id="\(stageID)" data-amount="\(row[3] ?? "0")" data-currency="\(row[4] ?? "RUB")" data-version="\(row[11] ?? "")">
                  <span class="handle" aria-hidden="true">\(Icons.grip)</span>
                  <a class="title" href="/deals/\(id)">\(row[1] ?? "")</a>
                  \(client)
                  <div class="amount">\(format.money(row[3], currency: row[4]))</div>
                  <div class="responsible">\(Icons.person) \(row[7] ?? "—")</div>
                  \(task)
                </article>
                """)
        }
        let query = FilterBar.query(filter.query)
        let columns = stages.map { stage -> HTML in
            let total = totals[stage.id] ?? Total()
            let shown = byStage[stage.id]?.count ?? 0
            let sums: [HTML] =
                total.sums.isEmpty
                ? ["<span class=\"sum\" data-currency=\"RUB\" data-sum=\"0\">\(format.money("0", currency: "RUB"))</span>"]
                : total.sums.map {
                    "<span class=\"sum\" data-currency=\"\($0.currency)\" data-sum=\"\($0.amount)\">\(format.money($0.amount, currency: $0.currency))</span>"
                }
            var footer: HTML = .empty
            if total.count > shown {
                let rest = String(total.count - shown)
                footer =
                    stage.id != more && shown < Self.cardsWhenMore
                    ? "<a class=\"more\" href=\"/board?pipeline=\(pipelineID)\(query)&more=\(stage.id)#stage-\(stage.id)\">\(t.format(.boardShowMore, ["count": rest]))</a>"
                    : "<a class=\"more\" href=\"/deals?pipeline=\(pipelineID)\(query)&stage=\(stage.id)\">\(t.format(.boardShowInList, ["count": String(total.count)]))</a>"
            }
            return """
                <section class="column kind-\(stage.kind)" id="stage-\(stage.id)" data-stage-id="\(stage.id)" data-kind="\(stage.kind)">
                  <header>
                    <h2>\(stage.name)</h2>
                    <div class="totals"><span class="count">\(total.count)</span> · <span class="sums">\(HTML.join(sums, separator: " · "))</span></div>
                  </header>
                  <div class="cards">\(byStage[stage.id] ?? [])</div>
                  \(footer)
                </section>
                """
        }
        let lossReasons = try await page.rows("select id, name from crm.loss_reasons where active order by name")
        let reasonOptions = lossReasons.map { row -> HTML in "<option value=\"\(row[0] ?? "")\">\(row[1] ?? "")</option>" }
        let body: HTML = """
            \(try await FilterBar.render(page, pipelines: pipelines, chosen: pipelineID, filter: filter, view: "board"))
            \(NewDealForm.render(page, pipelineID: pipelineID, clientID: nil))
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

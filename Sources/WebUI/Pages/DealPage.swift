import HTTPAPI
import Hummingbird
import PostgresClient

/// `/deals/{id}`: the deal card — stage bar (click to move), fields and the pipeline's custom
/// fields (typed inputs, saved through the API), product lines with the total, tasks (complete),
/// approvals (approve/reject with a comment), interactions, files, invoices and payments, the
/// stage history and the change history (the audit log: old → new by name, sql/361).
/// A deal the user may not see is the API's 404.
struct DealPage: Sendable {
    let runner: PageRunner

    func register(on router: some RouterMethods<CRMRequestContext>) {
        runner.get(router, "/deals/:id") { page in
            guard let id = page.request.uri.path.split(separator: "/").last.flatMap({ Int64($0) }) else {
                throw APIError.notFound("no such deal")
            }
            return try await Self.render(id, page)
        }
    }

    static func render(_ id: Int64, _ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        let f = page.format
        let tz = page.user.timeZone
        let deals = try await page.rows(
            """
            select d.title, d.pipeline_id, p.name, d.stage_id, d.amount::text, d.currency, d.probability, src.name,
                   d.expected_close_date::text, to_char(d.created_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'),
                   d.client_id, c.name, r.name, o.name, d.custom_fields::text, d.version, s.kind, lr.name, d.loss_comment,
                   d.responsible_id, d.source_id
            from crm.deals d
            join crm.pipelines p on p.id = d.pipeline_id
            join crm.stages s on s.id = d.stage_id
            left join crm.sources src on src.id = d.source_id
            left join crm.clients c on c.id = d.client_id
            left join crm.users r on r.id = d.responsible_id
            left join crm.users o on o.id = d.owner_id
            left join crm.loss_reasons lr on lr.id = d.loss_reason_id
            where d.id = \(id)
            """)
        guard let deal = deals.first, let pipelineID = deal[1].flatMap(Int64.init) else { throw APIError.notFound("no deal \(id)") }
        let stageID = deal[3].flatMap(Int64.init)
        let stages = try await BoardPage.stages(pipelineID, page)
        let currentIndex = stages.firstIndex { $0.id == stageID } ?? 0
        let stageBar = stages.enumerated().map { index, stage -> HTML in
            let state = index < currentIndex ? "past" : index == currentIndex ? "current" : "future"
            return
                "<button type=\"button\" class=\"stage \(state) kind-\(stage.kind)\" data-action=\"move\" data-deal=\"\(id)\" data-stage=\"\(stage.id)\" data-kind=\"\(stage.kind)\"\(HTML.when(index == currentIndex, " disabled aria-current=\"step\""))>\(stage.name)</button>"
        }
        let client: HTML = deal[10].map { clientID in "<a href=\"/clients/\(clientID)\">\(deal[11] ?? "")</a>" } ?? "—"
        let summary: HTML = """
            <dl class="fields">
              <dt>\(t[.client])</dt><dd>\(client)</dd>
              <dt>\(t[.amount])</dt><dd>\(f.money(deal[4], currency: deal[5]))</dd>
              <dt>\(t[.probability])</dt><dd>\(deal[6].map { $0 + " %" } ?? "—")</dd>
              <dt>\(t[.source])</dt><dd>\(deal[7] ?? "—")</dd>
              <dt>\(t[.responsible])</dt><dd>\(deal[12] ?? "—")</dd>
              <dt>\(t[.owner])</dt><dd>\(deal[13] ?? "—")</dd>
              <dt>\(t[.expectedClose])</dt><dd>\(f.date(deal[8]))</dd>
              <dt>\(t[.created])</dt><dd>\(f.time(deal[9]))</dd>
              \(HTML.when(deal[16] == "lost", "<dt>\(t[.lossReason])</dt><dd>\(deal[17] ?? "—") \(deal[18] ?? "")</dd>"))
            </dl>
            """
        let users = PostgresRowsLike(try await page.rows("select id, name from crm.users where active order by name"))
        let sources = PostgresRowsLike(try await page.rows("select id, name from crm.sources where active order by name"))
        func options(_ rows: PostgresRowsLike, selected: String?) -> [HTML] {
            rows.items.map { "<option value=\"\($0.0)\"\(HTML.when(String($0.0) == selected, " selected"))>\($0.1)</option>" }
        }
        let edit: HTML = """
            <details class="quick" id="deal-edit">
              <summary class="button" id="deal-edit-button">\(t[.editFields])</summary>
              <form class="form" data-api="/api/v1/deals/\(id)" data-method="PATCH" id="deal-edit-form">
                <label>\(t[.dealTitle])<input name="title" data-type="string" required maxlength="300" value="\(deal[0])"></label>
                <div class="row">
                  <label>\(t[.amount])<input name="amount" data-type="money" inputmode="decimal" value="\(deal[4])"></label>
                  <label>\(t[.probability])<input name="probability" data-type="number" type="number" min="0" max="100" value="\(deal[6])"></label>
                </div>
                <div class="row">
                  <label>\(t[.responsible])<select name="responsible_id" data-type="number">\(options(users, selected: deal[19]))</select></label>
                  <label>\(t[.source])<select name="source_id" data-type="number"><option value="">—</option>\(options(sources, selected: deal[20]))</select></label>
                </div>
                <label>\(t[.expectedClose])<input name="expected_close_date" data-type="string" type="date" value="\(deal[8])"></label>
                <div class="actions"><button type="submit" class="primary" id="deal-edit-save">\(t[.save])</button></div>
              </form>
            </details>
            """
        let custom = try await CustomFieldsForm.render(dealID: id, pipelineID: pipelineID, valuesJSON: deal[14] ?? "{}", page)
        let sections = try await DealSections.render(id, page)
        let lossReasons = try await page.rows("select id, name from crm.loss_reasons where active order by name")
        let reasonOptions = lossReasons.map { row -> HTML in "<option value=\"\(row[0] ?? "")\">\(row[1] ?? "")</option>" }
        let body: HTML = """
            <p class="crumbs"><a href="/board?pipeline=\(pipelineID)">\(deal[2] ?? "")</a></p>
            <h1 id="deal-title">\(deal[0] ?? "")</h1>
            <div class="stage-bar" id="stage-bar">\(stageBar)</div>
            <div class="grid two">
              <section class="card" id="deal-fields"><h2>\(t[.dealFields])</h2>\(summary)\(HTML.when(deal[16] == "open", edit))</section>
              <section class="card">\(custom)</section>
            </div>
            \(sections)
            <dialog id="loss-dialog" class="card">
              <form method="dialog" class="form">
                <h2>\(t[.lossReason])</h2>
                <select name="loss_reason_id" id="loss-reason">\(reasonOptions)</select>
                <div class="actions"><button value="cancel" class="link">\(t[.cancel])</button><button value="ok" class="primary" id="loss-ok">\(t[.moveDeal])</button></div>
              </form>
            </dialog>
            """
        return .page(title: deal[0] ?? t[.deal], section: .deals, body: body)
    }
}

import PostgresClient

/// `/deals?pipeline=N&sort=-amount&page=2`: the board's filter as a table, sorted by a column
/// and paged (50 a page, one query for the page and its total).
enum DealListPage {
    static let pageSize = 50

    /// Sort keys and their SQL (fixed text; the parameter only picks one).
    static let sorts: [String: String] = [
        "title": "d.title", "amount": "d.amount", "created": "d.created_at", "stage": "s.position",
        "close": "d.expected_close_date",
    ]

    static func list(_ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        let (pipelines, chosen) = try await BoardPage.pipelines(page)
        guard let pipelineID = chosen else {
            return .page(title: t[.navDeals], section: .deals, body: "<h1>\(t[.navDeals])</h1><p class=\"muted\">\(t[.noPipelines])</p>")
        }
        let filter = DealFilter(page)
        let sortParameter = page.parameter("sort") ?? "-created"
        let descending = sortParameter.hasPrefix("-")
        let sortKey = sorts[String(sortParameter.drop { $0 == "-" })] != nil ? String(sortParameter.drop { $0 == "-" }) : "created"
        let number = max(1, Int(page.parameter("page") ?? "1") ?? 1)
        let (conditions, bindings) = filter.conditions(userID: page.user.id, first: 4)
        let rows = try await page.rows(
            PostgresQuery(
                sql: """
                    select d.id, d.title, d.client_id, c.name, s.name, d.amount::text, d.currency, r.name,
                           to_char(d.created_at at time zone $3, 'YYYY-MM-DD'), d.expected_close_date::text, count(*) over ()
                    from crm.deals d
                    join crm.stages s on s.id = d.stage_id
                    left join crm.clients c on c.id = d.client_id
                    left join crm.users r on r.id = d.responsible_id
                    where d.pipeline_id = $1\(conditions)
                    order by \(sorts[sortKey]!) \(descending ? "desc nulls last" : "asc nulls first"), d.id
                    limit \(pageSize) offset $2
                    """,
                bindings: [.init(pipelineID), .init((number - 1) * pageSize), .init(page.user.timeZone)] + bindings))
        let total = Int(rows.first?[10] ?? "0") ?? 0
        let format = page.format
        let query = FilterBar.query(filter.query)
        func header(_ key: String, _ label: TextKey) -> HTML {
            let next = sortKey == key && !descending ? "-\(key)" : key
            let mark = sortKey == key ? (descending ? " ↓" : " ↑") : ""
            return "<th><a href=\"/deals?pipeline=\(pipelineID)\(query)&sort=\(next)\">\(t[label])\(mark)</a></th>"
        }
        let body = rows.map { row -> HTML in
            let client: HTML = row[2].map { id in "<a href=\"/clients/\(id)\">\(row[3] ?? "")</a>" } ?? "—"
            return """
                <tr><td><a href="/deals/\(row[0] ?? "")">\(row[1] ?? "")</a></td><td>\(client)</td><td>\(row[4] ?? "")</td>
                <td class="num">\(format.money(row[5], currency: row[6]))</td><td>\(row[7] ?? "—")</td>
                <td>\(format.date(row[8]))</td><td>\(format.date(row[9]))</td></tr>
                """
        }
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let link = "/deals?pipeline=\(pipelineID)\(query)&sort=\(sortParameter)&page="
        let pager: HTML = """
            <nav class="pager">
              \(HTML.when(number > 1, "<a href=\"\(link)\(number - 1)\" rel=\"prev\">← \(t[.previous])</a>"))
              <span>\(t.format(.pageOf, ["page": String(number), "pages": String(pages), "total": String(total)]))</span>
              \(HTML.when(number < pages, "<a href=\"\(link)\(number + 1)\" rel=\"next\">\(t[.next]) →</a>"))
            </nav>
            """
        let html: HTML = """
            \(try await FilterBar.render(page, pipelines: pipelines, chosen: pipelineID, filter: filter, view: "list",
                                          stages: try await BoardPage.stages(pipelineID, page)))
            <div class="card table-wrap">
            <table class="list" id="deal-list">
              <thead><tr>\(header("title", .dealTitle))<th>\(t[.client])</th>\(header("stage", .stage))\(header("amount", .amount))<th>\(t[.responsible])</th>\(header("created", .created))\(header("close", .expectedClose))</tr></thead>
              <tbody>\(body)</tbody>
            </table>
            \(HTML.when(rows.isEmpty, "<p class=\"muted empty\">\(t[.nothingFound])</p>"))
            </div>
            \(pager)
            """
        return .page(title: t[.navDeals], section: .deals, body: html)
    }
}

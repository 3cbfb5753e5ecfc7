import HTTPAPI
import Hummingbird
import PostgresClient

/// `/clients?q=…&page=N`: the clients the user may see, searched by name, notes, ИНН or a
/// contact's phone or e-mail, 50 a page; and the form for a new client (similar names offered
/// while typing, the card opens after saving). Rows as the API's: the request runs as the user.
struct ClientsPage: Sendable {
    let runner: PageRunner

    static let pageSize = 50

    func register(on router: some RouterMethods<CRMRequestContext>) {
        runner.get(router, "/clients") { page in try await Self.list(page) }
    }

    static func list(_ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        let search = page.parameter("q").map { String($0.prefix(200)) }
        let digits = search.map { $0.filter(\.isNumber) }.flatMap { $0.count >= 5 ? $0 : nil }
        let number = max(1, Int(page.parameter("page") ?? "1") ?? 1)
        let rows = try await page.rows(
            """
            select c.id, c.name, c.kind, u.name,
                   (select k.inn from crm.counterparties k where k.client_id = c.id order by k.valid_to is not null, k.valid_from desc limit 1),
                   (select count(*) from crm.deals d join crm.stages s on s.id = d.stage_id where d.client_id = c.id and s.kind = 'open'),
                   count(*) over ()
            from crm.clients c left join crm.users u on u.id = c.responsible_id
            where \(search)::text is null
               or to_tsvector('russian', c.name || ' ' || c.notes) @@ plainto_tsquery('russian', \(search))
               or c.name ilike '%' || \(search) || '%'
               or (\(digits)::text is not null and (
                     exists (select 1 from crm.counterparties k where k.client_id = c.id and k.inn like \(digits) || '%')
                     or exists (select 1 from crm.contacts p where p.client_id = c.id
                                and regexp_replace(array_to_string(p.phones, ' '), '[^0-9]', '', 'g') like '%' || \(digits) || '%')))
               or exists (select 1 from crm.contacts p where p.client_id = c.id and lower(array_to_string(p.emails, ' ')) like '%' || lower(\(search)) || '%')
            order by lower(c.name), c.id
            limit \(pageSize) offset \((number - 1) * pageSize)
            """)
        let total = Int(rows.first?[6] ?? "0") ?? 0
        let items = rows.map { row -> HTML in
            """
            <tr><td><a href="/clients/\(row[0] ?? "")">\(row[1] ?? "")</a></td><td>\(t[TextKey(companyKind: row[2] ?? "")])</td>
            <td>\(row[4] ?? "—")</td><td class="num">\(row[5] ?? "0")</td><td>\(row[3] ?? "—")</td></tr>
            """
        }
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let link =
            "/clients?" + (search.map { "q=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") + "&" } ?? "")
            + "page="
        let kinds = ["customer", "supplier", "both"].map { "<option value=\"\($0)\">\(t[TextKey(companyKind: $0)])</option>" as HTML }
        let body: HTML = """
            <h1>\(t[.navClients])</h1>
            <details class="quick" id="new-client">
              <summary class="button primary" id="new-client-button">\(Icons.plus) \(t[.newClient])</summary>
              <form class="form card narrow-form" data-api="/api/v1/clients" data-method="POST" data-open="/clients/" id="client-form">
                <label>\(t[.name])<input name="name" data-type="string" data-similar="clients" required maxlength="500" autocomplete="off" id="client-name-input"></label>
                <label>\(t[.kind])<select name="kind" data-type="string">\(kinds)</select></label>
                <div class="actions"><button type="submit" class="primary" id="client-save">\(t[.save])</button></div>
              </form>
            </details>
            <form method="get" action="/clients" class="card search-form" id="client-search">
              <input type="search" name="q" value="\(search)" placeholder="\(t[.clientSearchPlaceholder])" aria-label="\(t[.search])">
              <button type="submit" class="primary">\(t[.search])</button>
            </form>
            <div class="card table-wrap">
              <table class="list" id="client-list">
                <thead><tr><th>\(t[.client])</th><th>\(t[.kind])</th><th>\(t[.inn])</th><th class="num">\(t[.dealsOpen])</th><th>\(t[.responsible])</th></tr></thead>
                <tbody>\(items)</tbody>
              </table>
              \(HTML.when(rows.isEmpty, "<p class=\"muted empty\">\(t[.nothingFound])</p>"))
            </div>
            <nav class="pager">
              \(HTML.when(number > 1, "<a href=\"\(link)\(number - 1)\" rel=\"prev\">← \(t[.previous])</a>"))
              <span>\(t.format(.pageOf, ["page": String(number), "pages": String(pages), "total": String(total)]))</span>
              \(HTML.when(number < pages, "<a href=\"\(link)\(number + 1)\" rel=\"next\">\(t[.next]) →</a>"))
            </nav>
            """
        return .page(title: t[.navClients], section: .clients, body: body)
    }
}

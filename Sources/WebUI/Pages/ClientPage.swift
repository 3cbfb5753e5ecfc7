import HTTPAPI
import Hummingbird
import PostgresClient

/// `/clients/{id}`: the client card — analytics rolled up over every counterparty it has had,
/// counterparties over time, contacts with `tel:` and `mailto:` links, deals, interactions
/// (register a call in two clicks), open tasks and unpaid invoices. A client the user may not
/// see is the API's 404.
struct ClientPage: Sendable {
    let runner: PageRunner

    func register(on router: some RouterMethods<CRMRequestContext>) {
        runner.get(router, "/clients/:id") { page in
            guard let id = page.request.uri.path.split(separator: "/").last.flatMap({ Int64($0) }) else {
                throw APIError.notFound("no such client")
            }
            return try await Self.render(id, page)
        }
    }

    static func render(_ id: Int64, _ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        let f = page.format
        let tz = page.user.timeZone
        let clients = try await page.rows(
            """
            select c.name, c.kind, r.name, c.notes, c.is_private,
                   (select count(*) filter (where s.kind = 'open') || ';' || count(*) filter (where s.kind = 'won') || ';' ||
                           count(*) filter (where s.kind = 'lost')
                      from crm.deals d join crm.stages s on s.id = d.stage_id where d.client_id = c.id),
                   -- Money per currency, never added across currencies: "RUB=…;USD=…".
                   (select string_agg(x.currency || '=' || x.won, ';' order by x.currency)
                      from (select d.currency, sum(d.amount)::text as won from crm.deals d join crm.stages s on s.id = d.stage_id
                             where d.client_id = c.id and s.kind = 'won' group by d.currency) x),
                   (select string_agg(x.currency || '=' || x.invoiced || '=' || x.paid, ';' order by x.currency)
                      from (select v.currency, sum(v.amount)::text as invoiced, sum(v.paid_amount)::text as paid from crm.invoices v
                              join crm.counterparties k on k.id = v.counterparty_id
                             where k.client_id = c.id and not v.cancelled group by v.currency) x)
            from crm.clients c left join crm.users r on r.id = c.responsible_id where c.id = \(id)
            """)
        guard let client = clients.first else { throw APIError.notFound("no client \(id)") }
        let dealStats = (client[5] ?? "0;0;0").split(separator: ";").map(String.init)
        let stat = { (i: Int, list: [String]) in i < list.count ? list[i] : "0" }
        // "RUB=1=2;USD=3=4": the `column`-th amount of each currency, side by side (0 ₽ when none).
        let perCurrency = { (text: String?, column: Int) -> String in
            let parts = (text ?? "").split(separator: ";").map { $0.split(separator: "=").map(String.init) }
                .filter { $0.count > column }
            if parts.isEmpty { return f.money("0", currency: "RUB") }
            return parts.map { f.money($0[column], currency: $0[0]) }.joined(separator: " · ")
        }
        let analytics: HTML = """
            <div class="stats">
              <div><span class="big">\(stat(0, dealStats))</span><span>\(t[.dealsOpen])</span></div>
              <div><span class="big">\(stat(1, dealStats))</span><span>\(t[.dealsWon])</span></div>
              <div><span class="big">\(stat(2, dealStats))</span><span>\(t[.dealsLost])</span></div>
              <div><span class="big">\(perCurrency(client[6], 1))</span><span>\(t[.wonAmount])</span></div>
              <div><span class="big">\(perCurrency(client[7], 1))</span><span>\(t[.invoiced])</span></div>
              <div><span class="big">\(perCurrency(client[7], 2))</span><span>\(t[.paid])</span></div>
            </div>
            """

        let counterparties = try await page.rows(
            """
            select legal_name, inn, kpp, ogrn, valid_from::text, valid_to::text, (valid_to is null or valid_to >= current_date)
            from crm.counterparties where client_id = \(id) order by valid_from desc, id desc
            """)
        let counterpartyItems = counterparties.map { row -> HTML in
            """
            <li class="\(row[6] == "t" ? "" : "former")"><strong>\(row[0] ?? "")</strong>\(HTML.when(row[6] != "t", " <span class=\"pill\">\(t[.former])</span>"))
              <div class="muted">\(t[.inn]) \(row[1] ?? "")\(row[2].map { " · \(t[.kpp]) " + $0 } ?? "")\(row[3].map { " · \(t[.ogrn]) " + $0 } ?? "")</div>
              <div class="muted">\(f.date(row[4])) — \(row[5].map { f.date($0) } ?? t[.now])</div></li>
            """
        }

        let contacts = try await page.rows(
            """
            select name, position, array_to_string(phones, ';'), array_to_string(emails, ';') from crm.contacts where client_id = \(id) order by name
            """)
        let contactItems = contacts.map { row -> HTML in
            let phones = (row[2] ?? "").split(separator: ";").map { phone -> HTML in
                let dial = phone.filter { $0.isNumber || $0 == "+" }
                return "<a class=\"tel\" href=\"tel:\(String(dial))\">\(Icons.phone) \(phone)</a>"
            }
            let emails = (row[3] ?? "").split(separator: ";").map { email -> HTML in
                "<a href=\"mailto:\(email)\">\(Icons.mail) \(email)</a>"
            }
            return
                "<li><strong>\(row[0] ?? "")</strong> <span class=\"muted\">\(row[1] ?? "")</span><div class=\"links\">\(phones)\(emails)</div></li>"
        }

        let deals = try await page.rows(
            """
            select d.id, d.title, s.name, s.kind, d.amount::text, d.currency from crm.deals d join crm.stages s on s.id = d.stage_id
            where d.client_id = \(id) order by s.kind <> 'open', d.created_at desc limit 50
            """)
        let dealItems = deals.map { row -> HTML in
            "<li class=\"kind-\(row[3] ?? "")\"><a href=\"/deals/\(row[0] ?? "")\">\(row[1] ?? "")</a> · \(row[2] ?? "") · <span class=\"num\">\(f.money(row[4], currency: row[5]))</span></li>"
        }

        let interactions = try await page.rows(
            """
            select i.kind, i.direction, to_char(i.occurred_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'), i.summary, u.name
            from crm.interactions i left join crm.users u on u.id = i.owner_id
            where i.client_id = \(id) order by i.occurred_at desc, i.id desc limit 30
            """)
        let interactionItems = interactions.map { InteractionList.item($0, page) }
        let colleagues = PostgresRowsLike(try await page.rows("select id, name from crm.users where active order by name"))

        let tasks = try await page.rows(
            """
            select t.id, t.title, t.status, to_char(t.due_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'), t.due_at < now(), u.name, t.proof, t.required,
                   t.deal_id, d.title
            from crm.tasks t left join crm.users u on u.id = t.assignee_id left join crm.deals d on d.id = t.deal_id
            where t.status = 'open' and (t.client_id = \(id) or d.client_id = \(id)) order by t.due_at nulls last, t.id
            """)
        let taskItems = tasks.map { TaskList.item($0, page, showDeal: true) }

        let invoices = try await page.rows(
            """
            select i.number, i.due_on::text, i.amount::text, i.paid_amount::text, i.currency, i.deal_id, (i.due_on < current_date)
            from crm.invoices i join crm.counterparties k on k.id = i.counterparty_id
            where k.client_id = \(id) and i.status in ('unpaid', 'partially_paid') order by i.due_on nulls last
            """)
        let invoiceItems = invoices.map { row -> HTML in
            "<li class=\"\(row[6] == "t" ? "overdue" : "")\"><a href=\"/deals/\(row[5] ?? "")\">№ \(row[0] ?? "")</a> · \(t[.due]) \(f.date(row[1])) · \(f.money(row[3])) / \(f.money(row[2], currency: row[4]))</li>"
        }

        let letters = try await LettersAndDocuments.letters(clientID: id, dealID: nil, page)

        let body: HTML = """
            <h1 id="client-name">\(client[0] ?? "")\(HTML.when(client[4] == "t", " <span class=\"pill\">\(t[.privateClient])</span>"))</h1>
            <p class="muted">\(t[TextKey(companyKind: client[1] ?? "")]) · \(t[.responsible]): \(client[2] ?? "—")</p>
            \(analytics)
            <div class="grid two">
              <section class="card" id="client-interactions"><h2>\(t[.interactions])</h2>
                \(InteractionList.form(clientID: id, dealID: nil, page, users: colleagues))
                \(HTML.items(interactionItems, empty: t[.noInteractions], id: "interaction-list"))</section>
              <section class="card" id="client-contacts"><h2>\(t[.contacts])</h2>
                <details class="quick" id="new-contact">
                  <summary class="button" id="new-contact-button">\(Icons.plus) \(t[.newContact])</summary>
                  <form class="form" data-api="/api/v1/contacts" data-method="POST" id="contact-form">
                    <input type="hidden" name="client_id" data-type="number" value="\(id)">
                    <div class="row">
                      <label>\(t[.contactName])<input name="name" data-type="string" required maxlength="300"></label>
                      <label>\(t[.contactPosition])<input name="position" data-type="string" maxlength="200"></label>
                    </div>
                    <div class="row">
                      <label>\(t[.contactPhone])<input name="phones" data-type="list" type="tel" inputmode="tel" placeholder="+7 495 123-45-67" id="contact-phone"></label>
                      <label>\(t[.contactEmail])<input name="emails" data-type="list" type="email" id="contact-email"></label>
                    </div>
                    <div class="actions"><button type="submit" class="primary" id="contact-save">\(t[.save])</button></div>
                  </form>
                </details>
                \(HTML.items(contactItems, empty: t[.noContacts]))</section>
              <section class="card" id="client-deals"><h2>\(t[.deals])</h2>\(NewDealForm.render(page, pipelineID: nil, clientID: id))\(HTML.items(dealItems, empty: t[.noDeals]))</section>
              <section class="card"><h2>\(t[.openTasks])</h2>\(HTML.items(taskItems, empty: t[.noTasks]))</section>
              <section class="card"><h2>\(t[.unpaidInvoices])</h2>\(HTML.items(invoiceItems, empty: t[.noInvoices]))</section>
              \(letters)
              <section class="card" id="client-counterparties"><h2>\(t[.counterparties])</h2>
                <details class="quick" id="new-counterparty">
                  <summary class="button" id="new-counterparty-button">\(Icons.plus) \(t[.newCounterparty])</summary>
                  <form class="form" data-api="/api/v1/counterparties" data-method="POST" id="counterparty-form">
                    <input type="hidden" name="client_id" data-type="number" value="\(id)">
                    <label>\(t[.legalName])<input name="legal_name" data-type="string" required maxlength="500"></label>
                    <div class="row">
                      <label>\(t[.inn])<input name="inn" data-type="string" data-check="inn" inputmode="numeric" required maxlength="12" id="counterparty-inn"></label>
                      <label>\(t[.kpp])<input name="kpp" data-type="string" data-check="kpp" maxlength="9" id="counterparty-kpp"></label>
                    </div>
                    <label>\(t[.ogrn])<input name="ogrn" data-type="string" data-check="ogrn" inputmode="numeric" maxlength="15" id="counterparty-ogrn"></label>
                    <div class="actions"><button type="submit" class="primary" id="counterparty-save">\(t[.save])</button></div>
                  </form>
                </details>
                \(HTML.items(counterpartyItems, empty: t[.noCounterparties]))</section>
            </div>
            """
        return .page(title: client[0] ?? t[.client], section: .none, body: body)
    }
}

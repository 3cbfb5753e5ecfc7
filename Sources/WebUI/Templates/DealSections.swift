import PostgresClient

/// The lower parts of the deal card, each one query over the deal's rows the user may see.
enum DealSections {
    static func render(_ id: Int64, _ page: PageContext) async throws -> HTML {
        let t = page.texts
        let f = page.format
        let tz = page.user.timeZone

        let lines = try await page.rows(
            """
            select p.name, l.quantity::text, p.unit, l.price::text, l.amount::text, sum(l.amount) over ()::text
            from crm.deal_lines l left join crm.products p on p.id = l.product_id
            where l.deal_id = \(id) order by l.id
            """)
        let lineRows = lines.map { row -> HTML in
            "<tr><td>\(row[0] ?? "—")</td><td class=\"num\">\(f.quantity(row[1])) \(row[2] ?? "")</td><td class=\"num\">\(f.money(row[3]))</td><td class=\"num\">\(f.money(row[4]))</td></tr>"
        }
        let linesHTML: HTML =
            lines.isEmpty
            ? "<p class=\"muted\">\(t[.noLines])</p>"
            : """
            <div class="table-wrap"><table class="list"><thead><tr><th>\(t[.product])</th><th class="num">\(t[.quantity])</th><th class="num">\(t[.price])</th><th class="num">\(t[.amount])</th></tr></thead>
            <tbody>\(lineRows)</tbody><tfoot><tr><th colspan="3">\(t[.total])</th><th class="num" id="lines-total">\(f.money(lines.first?[5]))</th></tr></tfoot></table></div>
            """

        let tasks = try await page.rows(
            """
            select t.id, t.title, t.status, to_char(t.due_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'), t.due_at < now(), u.name, t.proof, t.required
            from crm.tasks t left join crm.users u on u.id = t.assignee_id
            where t.deal_id = \(id) order by t.status <> 'open', t.due_at nulls last, t.id
            """)
        let taskItems = tasks.map { TaskList.item($0, page, showDeal: false) }

        let approvals = try await page.rows(
            """
            select a.id, a.title, a.status, u.name, a.approver_id, a.comment, to_char(a.answered_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'), s.name
            from crm.approvals a left join crm.users u on u.id = a.approver_id join crm.stages s on s.id = a.stage_id
            where a.deal_id = \(id) order by a.stage_id, a.position, a.id
            """)
        let approvalItems = approvals.map { row -> HTML in
            let pending = row[2] == "pending" && row[4] == String(page.user.id)
            let answer: HTML =
                pending
                ? """
                <form class="answer form" data-api="/api/v1/approvals/\(row[0] ?? "")/answer" data-method="POST" id="approval-\(row[0] ?? "")">
                  <textarea name="comment" data-type="string" placeholder="\(t[.approvalComment])" maxlength="4000"></textarea>
                  <div class="actions">
                    <button type="submit" name="decision" value="approve" class="primary">\(t[.approve])</button>
                    <button type="submit" name="decision" value="reject" class="danger">\(t[.reject])</button>
                  </div>
                </form>
                """ : .empty
            return """
                <li class="approval status-\(row[2] ?? "")"><strong>\(row[1] ?? "")</strong> · \(row[7] ?? "")
                  <span class="pill">\(t[TextKey(approvalStatus: row[2] ?? "")])</span>
                  <div class="muted">\(row[3] ?? "—")\(row[6].map { " · " + f.time($0) } ?? "")</div>
                  \(HTML.when(!(row[5] ?? "").isEmpty, "<blockquote>\(row[5] ?? "")</blockquote>"))
                  \(answer)
                </li>
                """
        }

        let interactions = try await page.rows(
            """
            select i.kind, i.direction, to_char(i.occurred_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'), i.summary, u.name
            from crm.interactions i left join crm.users u on u.id = i.owner_id
            where i.deal_id = \(id) order by i.occurred_at desc, i.id desc limit 50
            """)
        let interactionItems = interactions.map { InteractionList.item($0, page) }
        let colleagues = PostgresRowsLike(try await page.rows("select id, name from crm.users where active order by name"))

        let files = try await page.rows(
            """
            select id, name, size_bytes, to_char(created_at at time zone \(tz), 'YYYY-MM-DD HH24:MI') from crm.files where deal_id = \(id) order by id desc
            """)
        let fileItems = files.map { row -> HTML in
            "<li><a href=\"/api/v1/files/\(row[0] ?? "")/content\">\(row[1] ?? "")</a> <span class=\"muted\">\(Self.size(row[2])) · \(f.time(row[3]))</span></li>"
        }

        let invoices = try await page.rows(
            """
            select i.number, i.issued_on::text, i.due_on::text, i.amount::text, i.paid_amount::text, i.status, i.currency, cp.legal_name,
                   (select string_agg(p.paid_on::text || ' ' || p.amount::text, ';' order by p.paid_on) from crm.payments p where p.invoice_id = i.id)
            from crm.invoices i left join crm.counterparties cp on cp.id = i.counterparty_id
            where i.deal_id = \(id) order by i.issued_on, i.id
            """)
        let invoiceRows = invoices.map { row -> HTML in
            let payments = (row[8] ?? "").split(separator: ";").map { entry -> HTML in
                let parts = entry.split(separator: " ")
                return "<div>\(f.date(parts.first.map(String.init))) · \(f.money(parts.count > 1 ? String(parts[1]) : nil))</div>"
            }
            return """
                <tr class="invoice-\(row[5] ?? "")"><td>№ \(row[0] ?? "")<div class="muted">\(row[7] ?? "")</div></td><td>\(f.date(row[1]))</td><td>\(f.date(row[2]))</td>
                <td class="num">\(f.money(row[3], currency: row[6]))</td><td class="num">\(f.money(row[4]))</td><td><span class="pill">\(t[TextKey(invoiceStatus: row[5] ?? "")])</span></td><td>\(payments)</td></tr>
                """
        }

        let history = try await page.rows(
            """
            select s.name, to_char(h.entered_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'), to_char(h.left_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'),
                   u.name, h.by_automation
            from crm.deal_stage_history h join crm.stages s on s.id = h.stage_id left join crm.users u on u.id = h.moved_by
            where h.deal_id = \(id) order by h.entered_at, h.id
            """)
        let historyRows = history.map { row -> HTML in
            "<tr><td>\(row[0] ?? "")</td><td>\(f.time(row[1]))</td><td>\(f.time(row[2]))</td><td>\(row[3] ?? "—")\(row[4] == "t" ? " · " + t[.byAutomation] : "")</td></tr>"
        }

        let changeRows = try await DealChanges.render(id, page)
        let changesHTML: HTML =
            changeRows.isEmpty
            ? "<p class=\"muted\">\(t[.noChangeHistory])</p>"
            : """
            <div class="table-wrap"><table class="list" id="deal-changes"><thead><tr><th>\(t[.when])</th><th>\(t[.who])</th><th>\(t[.changes])</th></tr></thead><tbody>\(changeRows)</tbody></table></div>
            """
        let invoicesHTML: HTML =
            invoices.isEmpty
            ? "<p class=\"muted\">\(t[.noInvoices])</p>"
            : """
            <div class="table-wrap"><table class="list"><thead><tr><th>\(t[.invoice])</th><th>\(t[.issued])</th><th>\(t[.due])</th><th class="num">\(t[.amount])</th><th class="num">\(t[.paid])</th><th>\(t[.status])</th><th>\(t[.payments])</th></tr></thead><tbody>\(invoiceRows)</tbody></table></div>
            """
        let documents = try await LettersAndDocuments.documents(dealID: id, page)
        var letters = HTML.empty
        if let client = try await clientID(id, page) { letters = try await LettersAndDocuments.letters(clientID: client, dealID: id, page) }
        return """
            <div class="grid two">
              <section class="card"><h2>\(t[.productLines])</h2>\(linesHTML)</section>
              <section class="card" id="deal-tasks"><h2>\(t[.tasks])</h2>\(HTML.items(taskItems, empty: t[.noTasks]))</section>
              <section class="card" id="deal-approvals"><h2>\(t[.approvals])</h2>\(HTML.items(approvalItems, empty: t[.noApprovals]))</section>
              <section class="card" id="deal-interactions"><h2>\(t[.interactions])</h2>
                \(InteractionList.form(clientID: nil, dealID: id, page, users: colleagues))
                \(HTML.items(interactionItems, empty: t[.noInteractions]))</section>
              <section class="card"><h2>\(t[.files])</h2>\(HTML.items(fileItems, empty: t[.noFiles]))</section>
              <section class="card"><h2>\(t[.invoices])</h2>\(invoicesHTML)</section>
              \(documents)
              \(letters)
              <section class="card"><h2>\(t[.stageHistory])</h2><div class="table-wrap"><table class="list"><thead><tr><th>\(t[.stage])</th><th>\(t[.entered])</th><th>\(t[.left])</th><th>\(t[.movedBy])</th></tr></thead><tbody>\(historyRows)</tbody></table></div></section>
              <section class="card"><h2>\(t[.changeHistory])</h2>\(changesHTML)</section>
            </div>
            """
    }

    /// The deal's client, when it has one the user may see.
    static func clientID(_ dealID: Int64, _ page: PageContext) async throws -> Int64? {
        try await page.rows("select c.id from crm.deals d join crm.clients c on c.id = d.client_id where d.id = \(dealID)")
            .first.flatMap { $0[0] }.flatMap { Int64($0) }
    }

    static func size(_ bytes: String?) -> String {
        guard let bytes = bytes.flatMap(Int.init) else { return "" }
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1 << 20 { return "\(bytes / 1024) KiB" }
        return "\(bytes >> 20) MiB"
    }
}

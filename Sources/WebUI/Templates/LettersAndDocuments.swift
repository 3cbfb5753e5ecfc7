/// The documents of a deal (made from a template in one click, PDF and HTML to open) and the
/// letters of a client or a deal (their status, and a form that sends one to the client's
/// contacts with documents attached), as cards of the deal and client pages. Everything goes
/// through the API (`POST /api/v1/deals/{id}/documents`, `POST …/emails` with an
/// `Idempotency-Key`), so the pages refuse exactly what the API refuses.
enum LettersAndDocuments {
    /// The deal's documents and the form that makes one from an active template.
    static func documents(dealID: Int64, _ page: PageContext) async throws -> HTML {
        let t = page.texts
        let documents = try await page.rows(
            """
            select id, title, number::text || '/' || year::text, issued_on::text, pdf_file_id, html_file_id
              from crm.documents where deal_id = \(dealID) order by id desc
            """)
        let items = documents.map { row -> HTML in
            """
            <li class="document"><strong>\(row[1] ?? "")</strong>
              <div class="links"><a href="/api/v1/files/\(row[4] ?? "")/content" target="_blank" rel="noopener">PDF</a>
              <a href="/api/v1/files/\(row[5] ?? "")/content" target="_blank" rel="noopener">HTML</a></div></li>
            """
        }
        let templates = try await page.rows("select id, name from crm.document_templates where active order by kind, name")
        let options = templates.map { row -> HTML in "<option value=\"\(row[0] ?? "")\">\(row[1] ?? "")</option>" }
        let form: HTML =
            templates.isEmpty
            ? .empty
            : """
            <details class="quick" id="make-document">
              <summary class="button" id="make-document-button">\(t[.makeDocument])</summary>
              <form class="form" data-api="/api/v1/deals/\(dealID)/documents" data-method="POST" id="document-form">
                <label>\(t[.documentTemplate])<select name="template_id" data-type="number" id="document-template">\(options)</select></label>
                <div class="actions"><button type="submit" class="primary" id="document-make">\(t[.makeDocument])</button></div>
              </form>
            </details>
            """
        return """
            <section class="card" id="deal-documents"><h2>\(t[.documents])</h2>\(form)\(HTML.items(items, empty: t[.noDocuments]))</section>
            """
    }

    /// The letters of the client (or of the deal) and the form that writes one.
    static func letters(clientID: Int64, dealID: Int64?, _ page: PageContext) async throws -> HTML {
        let t = page.texts
        let tz = page.user.timeZone
        let letters = try await page.rows(
            """
            select subject, status, to_char(coalesce(sent_at, created_at) at time zone \(tz), 'YYYY-MM-DD HH24:MI'),
                   array_to_string(recipients, ', '), last_error, cardinality(attachment_file_ids)
              from crm.emails
             where client_id = \(clientID) and (\(dealID)::bigint is null or deal_id = \(dealID))
             order by id desc limit 50
            """)
        let items = letters.map { row -> HTML in
            let status = row[1] ?? "queued"
            let key: TextKey = status == "sent" ? .letterSent : status == "failed" ? .letterFailed : .letterQueued
            let attachments = Int(row[5] ?? "0") ?? 0
            return """
                <li class="letter status-\(status)">\(Icons.mail) <strong>\(row[0] ?? "")</strong> · <span class="pill\(status == "sent" ? " done" : status == "failed" ? " failed" : "")">\(t[key])</span> · <time>\(page.format.time(row[2]))</time>
                  <div class="muted">\(row[3] ?? "")\(HTML.when(attachments > 0, " · \(t[.attachments]): \(attachments)"))</div>
                  \(HTML.when(status == "failed" && row[4] != nil, "<div class=\"error\">\(row[4] ?? "")</div>"))</li>
                """
        }
        let contacts = try await page.rows(
            """
            select id, name, emails[1] from crm.contacts where client_id = \(clientID) and cardinality(emails) > 0 order by name
            """)
        let contactBoxes = contacts.map { row -> HTML in
            "<label class=\"check\"><input type=\"checkbox\" name=\"contact_ids\" data-type=\"id-set\" value=\"\(row[0] ?? "")\" checked> \(row[1] ?? "") &lt;\(row[2] ?? "")&gt;</label>"
        }
        let documents = try await page.rows(
            """
            select id, title, number::text || '/' || year::text from crm.documents
             where \(dealID)::bigint is not null and deal_id = \(dealID) or \(dealID)::bigint is null and client_id = \(clientID)
             order by id desc limit 30
            """)
        let documentBoxes = documents.map { row -> HTML in
            "<label class=\"check\"><input type=\"checkbox\" name=\"document_ids\" data-type=\"id-set\" value=\"\(row[0] ?? "")\"> \(row[1] ?? "")</label>"
        }
        let path = dealID.map { "/api/v1/deals/\($0)/emails" } ?? "/api/v1/clients/\(clientID)/emails"
        let form: HTML =
            contacts.isEmpty
            ? "<p class=\"muted\">\(t[.noContactEmail])</p>"
            : """
            <details class="quick" id="write-letter">
              <summary class="button" id="write-letter-button">\(Icons.mail) \(t[.writeLetter])</summary>
              <form class="form" data-api="\(path)" data-method="POST" data-idempotent="true" id="letter-form">
                <fieldset><legend>\(t[.recipients])</legend>\(contactBoxes)</fieldset>
                <label>\(t[.letterSubject])<input name="subject" data-type="string" required maxlength="300" id="letter-subject"></label>
                <label>\(t[.letterBody])<textarea name="body" data-type="string" required maxlength="100000" rows="6" id="letter-body"></textarea></label>
                \(HTML.when(!documents.isEmpty, "<fieldset><legend>\(t[.attachDocuments])</legend>\(documentBoxes)</fieldset>"))
                <div class="actions"><button type="submit" class="primary" id="letter-send">\(t[.sendLetter])</button></div>
              </form>
            </details>
            """
        let id = dealID == nil ? "client-letters" : "deal-letters"
        return """
            <section class="card" id="\(id)"><h2>\(t[.letters])</h2>\(form)\(HTML.items(items, empty: t[.noLetters]))</section>
            """
    }
}

/// Interactions as list items, and the two-click form to register one (call by default).
enum InteractionList {
    /// `row`: kind, direction, time (local text), summary, who.
    static func item(_ row: PostgresRowView, _ page: PageContext) -> HTML {
        let t = page.texts
        let icon = ["call": Icons.phone, "email": Icons.mail, "meeting": Icons.meeting, "message": Icons.message][row[0] ?? ""] ?? .empty
        return """
            <li class="interaction kind-\(row[0] ?? "")">\(icon) <strong>\(t[TextKey(interactionKind: row[0] ?? "")])</strong> · \(t[row[1] == "inbound" ? .inbound : .outbound]) · <time>\(page.format.time(row[2]))</time> · \(row[4] ?? "")
              \(HTML.when(!(row[3] ?? "").isEmpty, "<div>\(row[3] ?? "")</div>"))</li>
            """
    }

    /// Click «register a call» (the form opens with the summary focused), then «save».
    static func form(clientID: Int64?, dealID: Int64?, _ page: PageContext) -> HTML {
        let t = page.texts
        let kinds = ["call", "email", "meeting", "message"].map { kind -> HTML in
            "<option value=\"\(kind)\">\(t[TextKey(interactionKind: kind)])</option>"
        }
        let client: HTML = clientID.map { "<input type=\"hidden\" name=\"client_id\" data-type=\"number\" value=\"\($0)\">" } ?? .empty
        let deal: HTML = dealID.map { "<input type=\"hidden\" name=\"deal_id\" data-type=\"number\" value=\"\($0)\">" } ?? .empty
        return """
            <details class="quick" id="register-interaction">
              <summary class="button primary" id="register-call">\(Icons.phone) \(t[.registerCall])</summary>
              <form class="form" data-api="/api/v1/interactions" data-method="POST" id="interaction-form">
                \(client)\(deal)
                <div class="row"><label>\(t[.kind])<select name="kind" data-type="string">\(kinds)</select></label>
                <label>\(t[.direction])<select name="direction" data-type="string"><option value="outbound">\(t[.outbound])</option><option value="inbound">\(t[.inbound])</option></select></label></div>
                <label>\(t[.summary])<textarea name="summary" data-type="string" maxlength="10000" id="interaction-summary"></textarea></label>
                <label class="check"><input type="checkbox" data-follow-up="1" name="_follow_up"> \(t[.followUp])</label>
                <div class="actions"><button type="submit" class="primary" id="interaction-save">\(t[.save])</button></div>
              </form>
            </details>
            """
    }
}

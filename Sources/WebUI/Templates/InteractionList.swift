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

    /// Click «register a call» (the form opens with the summary focused), then «save». From the
    /// same form a follow-up: a reminder for oneself («перезвонить через 2 дня») or a task for a
    /// colleague, created through the API after the interaction (`users`: who may be assigned).
    static func form(clientID: Int64?, dealID: Int64?, _ page: PageContext, users: PostgresRowsLike) -> HTML {
        let t = page.texts
        let kinds = ["call", "email", "meeting", "message"].map { kind -> HTML in
            "<option value=\"\(kind)\">\(t[TextKey(interactionKind: kind)])</option>"
        }
        let days = [(1, TextKey.followUpIn1), (2, .followUpIn2), (3, .followUpIn3), (7, .followUpIn7)].map { day -> HTML in
            "<option value=\"\(day.0)\"\(HTML.when(day.0 == 2, " selected"))>\(t[day.1])</option>"
        }
        let colleagues = users.items.filter { $0.0 != page.user.id }.map { user -> HTML in "<option value=\"\(user.0)\">\(user.1)</option>"
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
                <fieldset class="follow-up">
                  <legend>\(t[.followUpTitle])</legend>
                  <div class="row">
                    <label>\(t[.followUpWhat])<select data-follow-up="kind" id="follow-up-kind"><option value="">\(t[.followUpNone])</option><option value="me">\(t[.followUpMe])</option><option value="colleague">\(t[.followUpColleague])</option></select></label>
                    <label class="follow-up-detail">\(t[.followUpWhen])<select data-follow-up="days" id="follow-up-days">\(days)</select></label>
                  </div>
                  <label class="follow-up-detail">\(t[.followUpTask])<input data-follow-up="title" value="\(t[.callBack])" maxlength="500" id="follow-up-title"></label>
                  <label class="follow-up-detail follow-up-colleague">\(t[.followUpAssignee])<select data-follow-up="assignee" id="follow-up-assignee">\(colleagues)</select></label>
                </fieldset>
                <div class="actions"><button type="submit" class="primary" id="interaction-save">\(t[.save])</button></div>
              </form>
            </details>
            """
    }
}

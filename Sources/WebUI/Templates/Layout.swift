/// The frame of every page: header with the menu, the notifications bell (its count is live,
/// from the event stream), the language switch and sign-out; the CSRF token for the scripts
/// in a meta tag; the script texts as data attributes (no inline script anywhere).
enum Layout {
    static func page(title: String, section: PageOutput.Section, body: HTML, page: PageContext) -> HTML {
        let t = page.texts
        let items: [(PageOutput.Section, String, TextKey)] =
            [
                (.board, "/board", .navBoard), (.deals, "/deals", .navDeals), (.clients, "/clients", .navClients),
                (.tasks, "/tasks", .navTasks),
                (.planner, "/planner", .navPlanner), (.reports, "/reports", .navReports),
            ] + (page.user.admin ? [(.admin, "/admin", .navAdmin)] : [])
        let menu = items.map { item -> HTML in
            "<a href=\"\(item.1)\" class=\"\(item.0 == section ? "active" : "")\">\(t[item.2])</a>"
        }
        let other: Language = t.language == .ru ? .en : .ru
        let unreadClass = page.user.unread > 0 ? "badge" : "badge hidden"
        return """
            <!doctype html>
            <html lang="\(t.language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="csrf-token" content="\(page.csrf)">
            <title>\(title) — \(t[.appName])</title>
            <link rel="stylesheet" href="/assets/app.css">
            <link rel="icon" href="data:,">
            <script src="/assets/app.js" defer></script>
            </head>
            <body data-tz="\(page.user.timeZone)" data-lang="\(t.language.rawValue)" data-user="\(page.user.id)" data-last-notification="\(page.user.lastNotification)">
            \(scriptTexts(t))
            <header class="top">
              <a class="brand" href="/board">\(t[.appName])</a>
              <input type="checkbox" id="menu-toggle" class="menu-toggle"><label for="menu-toggle" class="menu-button" aria-label="\(t[.menu])">☰</label>
              <nav class="menu">\(menu)</nav>
              <div class="tools">
                <div class="bell-wrap">
                  <button type="button" class="bell" id="bell" aria-label="\(t[.notifications])" title="\(t[.notifications])">\(Icons.bell)<span id="bell-count" class="\(unreadClass)">\(page.user.unread)</span></button>
                  <div id="bell-list" class="bell-list hidden"></div>
                </div>
                <form method="post" action="/language" class="inline">
                  <input type="hidden" name="_csrf" value="\(page.csrf)">
                  <input type="hidden" name="to" value="\(other.rawValue)">
                  <input type="hidden" name="next" value="\(page.request.uri.path)">
                  <button type="submit" class="link" title="\(t[.switchLanguage])">\(other.rawValue.uppercased())</button>
                </form>
                <a href="/profile" class="\(section == .profile ? "active user" : "user")">\(page.user.name)</a>
                <form method="post" action="/logout" class="inline">
                  <input type="hidden" name="_csrf" value="\(page.csrf)">
                  <button type="submit" class="link" id="logout">\(t[.signOut])</button>
                </form>
              </div>
            </header>
            <main>
            <div id="toasts" class="toasts" aria-live="polite"></div>
            \(body)
            </main>
            </body>
            </html>
            """
    }

    /// The texts the scripts show, as `data-` attributes of a hidden element.
    static func scriptTexts(_ t: Texts) -> HTML {
        let keys: [(String, TextKey)] = [
            ("moveRefused", .jsMoveRefused), ("moved", .jsMoved), ("failed", .jsFailed), ("saved", .jsSaved),
            ("reminder", .jsReminder), ("noNotifications", .jsNoNotifications), ("markAllRead", .jsMarkAllRead),
            ("open", .jsOpen), ("taskAssigned", .kindTaskAssigned), ("reminderDue", .kindReminderDue),
            ("taskOverdue", .kindTaskOverdue), ("dealMoved", .kindDealMoved), ("approvalRequested", .kindApprovalRequested),
            ("approvalAnswered", .kindApprovalAnswered), ("leadArrived", .kindLeadArrived), ("callMissed", .kindCallMissed),
            ("lossReasonNeeded", .jsLossReasonNeeded), ("close", .close), ("callBack", .callBack), ("duplicate", .jsDuplicate),
            ("badInn", .jsBadInn), ("badKpp", .jsBadKpp), ("badOgrn", .jsBadOgrn),
            ("duplicatesFound", .jsDuplicatesFound), ("kpp", .kpp), ("similarClients", .jsSimilarClients),
            ("noClient", .noClient),
        ]
        let attributes = keys.map { key -> HTML in " data-\(key.0.kebab)=\"\(t[key.1])\"" }
        return "<div id=\"crm-texts\" hidden\(attributes)></div>"
    }

    /// A page for a refusal or failure, with the API's status and message.
    static func error(status: Int, message: String?, texts t: Texts) -> HTML {
        let heading: TextKey =
            switch status {
            case 403: .errorForbidden
            case 404: .errorNotFound
            case 409: .errorConflict
            case 422: .errorInvalid
            case 503: .errorBusy
            default: .errorInternal
            }
        return """
            <!doctype html>
            <html lang="\(t.language.rawValue)">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(status) — \(t[.appName])</title><link rel="stylesheet" href="/assets/app.css"></head>
            <body><main class="narrow">
            <div class="card error-page">
              <h1>\(t[heading])</h1>
              <p class="muted">\(status)\(message.map { " · " + $0 } ?? "")</p>
              <p><a href="/board">\(t[.backToBoard])</a></p>
            </div>
            </main></body></html>
            """
    }
}

extension String {
    /// `moveRefused` → `move-refused` (for data attributes).
    var kebab: String {
        var out = ""
        for character in self {
            if character.isUppercase { out += "-" + character.lowercased() } else { out.append(character) }
        }
        return out
    }
}

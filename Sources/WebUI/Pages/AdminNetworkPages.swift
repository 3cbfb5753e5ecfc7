import AccessControl
import HTTPAPI
import Hummingbird
import PostgresClient

/// `/admin/networks`: the allowed networks (CIDR) per role or user and purpose — sign-in, export,
/// administration — with adding and removing; `/admin/sessions`: the open sessions with their
/// address and network, each can be ended. The same statements and database functions as the
/// console's `NET ALLOW|LIST|REMOVE` and `SESSION LIST|KILL` (`crm_api.list_sessions`,
/// `crm_api.kill_session`); the database's triggers end the sessions a new sign-in network
/// refuses. Administrators only.
struct AdminNetworkPages: Sendable {
    let runner: PageRunner

    static let purposes = ["login", "export", "admin"]

    static let outcomes: [String: (TextKey, Bool)] = [
        "added": (.netAdded, true), "removed": (.netRemoved, true), "cidr": (.netErrorCidr, false),
        "holder": (.netErrorHolder, false), "missing": (.netErrorNotFound, false),
        "ended": (.sessEnded, true), "gone": (.sessNotFound, false),
    ]

    func register(on router: some RouterMethods<CRMRequestContext>) {
        runner.get(router, "/admin/networks") { page in try await Self.networks(page) }
        runner.post(router, "/admin/networks/add") { page, form in
            _ = try await page.connection.query("select crm_api.require_admin()")
            return .redirect("/admin/networks?result=\(try await Self.allow(form, page.connection))")
        }
        runner.post(router, "/admin/networks/remove") { page, form in
            _ = try await page.connection.query("select crm_api.require_admin()")
            guard let id = form["id"].flatMap(Int64.init) else { return .redirect("/admin/networks?result=missing") }
            let rows = try await page.connection.query("delete from crm.networks where id = \(id)")
            return .redirect("/admin/networks?result=\(rows.affectedRows == 0 ? "missing" : "removed")")
        }
        runner.get(router, "/admin/sessions") { page in try await Self.sessions(page) }
        runner.post(router, "/admin/sessions/end") { page, form in
            _ = try await page.connection.query("select crm_api.require_admin()")
            guard let id = form["id"].flatMap(Int64.init) else { return .redirect("/admin/sessions?result=gone") }
            let ended = try await page.connection.query("select crm_api.kill_session(\(id))")[0].decode(Bool.self, at: 0)
            let back = form["login"].flatMap { $0.isEmpty ? nil : FilterBar.query([("login", $0)]) } ?? ""
            return .redirect("/admin/sessions?result=\(ended ? "ended" : "gone")\(back)")
        }
    }

    /// `NET ALLOW role <name>|user <login> <cidr> <purpose> [description]`: the outcome's key.
    static func allow(_ form: FormBody, _ connection: PostgresConnection) async throws -> String {
        let cidr = (form["network"] ?? "").trimmingCharacters(in: .whitespaces)
        guard IPNetwork(cidr) != nil else { return "cidr" }
        guard let purpose = form["purpose"], purposes.contains(purpose) else { return "holder" }
        let holder = (form["holder"] ?? "").split(separator: ":", maxSplits: 1)
        guard holder.count == 2, let holderID = Int64(holder[1]), holder[0] == "role" || holder[0] == "user" else { return "holder" }
        let roleID: Int64? = holder[0] == "role" ? holderID : nil
        let userID: Int64? = holder[0] == "user" ? holderID : nil
        let known = try await connection.query(
            """
            select exists (select 1 from crm.roles where id = \(roleID)) or exists (select 1 from crm.users where id = \(userID))
            """)[0].decode(Bool.self, at: 0)
        guard known else { return "holder" }
        let description = String((form["description"] ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        _ = try await connection.query(
            """
            insert into crm.networks (network, role_id, user_id, purpose, description)
            values (\(cidr)::cidr, \(roleID), \(userID), \(purpose), \(description)) returning id
            """)
        return "added"
    }

    static func notice(_ page: PageContext) -> HTML {
        guard let outcome = page.parameter("result").flatMap({ outcomes[$0] }) else { return .empty }
        return "<p class=\"\(outcome.1 ? "notice" : "alert")\" id=\"admin-result\">\(page.texts[outcome.0])</p>"
    }

    static func networks(_ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        _ = try await page.connection.query("select crm_api.require_admin()")
        let rows = try await page.rows(
            """
            select n.id, n.network::text, case when n.role_id is not null then 'role' else 'user' end, coalesce(r.name, u.name || ' (' || u.login || ')'),
                   n.purpose, n.description, to_char(n.created_at at time zone \(page.user.timeZone), 'YYYY-MM-DD HH24:MI')
            from crm.networks n left join crm.roles r on r.id = n.role_id left join crm.users u on u.id = n.user_id
            order by n.purpose, n.network, n.id
            """)
        let roles = PostgresRowsLike(try await page.rows("select id, name from crm.roles order by name"))
        let users = PostgresRowsLike(
            try await page.rows("select id, name || ' (' || login || ')' from crm.users where active order by name"))
        let list = rows.map { row -> HTML in
            """
            <tr><td><code>\(row[1] ?? "")</code></td><td>\(t[row[2] == "role" ? .netRole : .netUser]) <b>\(row[3] ?? "")</b></td>
            <td><span class="pill purpose-\(row[4] ?? "")">\(t[TextKey(networkPurpose: row[4] ?? "")])</span></td><td>\(row[5] ?? "")</td><td>\(page.format.time(row[6]))</td>
            <td><form method="post" action="/admin/networks/remove" class="inline"><input type="hidden" name="_csrf" value="\(page.csrf)"><input type="hidden" name="id" value="\(row[0] ?? "")"><button type="submit" class="link danger">\(t[.netRemove])</button></form></td></tr>
            """
        }
        let table: HTML =
            rows.isEmpty
            ? "<p class=\"muted\" id=\"networks-empty\">\(t[.netEmpty])</p>"
            : "<div class=\"table-wrap\"><table class=\"list\" id=\"networks\"><thead><tr><th>\(t[.netNetwork])</th><th>\(t[.netHolder])</th><th>\(t[.netPurpose])</th><th>\(t[.netDescription])</th><th>\(t[.created])</th><th></th></tr></thead><tbody>\(list)</tbody></table></div>"
        let roleOptions = roles.items.map { "<option value=\"role:\($0.0)\">\($0.1)</option>" as HTML }
        let userOptions = users.items.map { "<option value=\"user:\($0.0)\">\($0.1)</option>" as HTML }
        let purposeOptions = purposes.map { "<option value=\"\($0)\">\(t[TextKey(networkPurpose: $0)])</option>" as HTML }
        let body: HTML = """
            \(AdminPages.tabs(page, active: "networks"))
            \(notice(page))
            <div class="card">\(table)<p class="muted">\(t[.netHint])</p></div>
            <form method="post" action="/admin/networks/add" class="card form" id="network-add">
              <h2>\(t[.netAllowTitle])</h2>
              <input type="hidden" name="_csrf" value="\(page.csrf)">
              <div class="filter-form">
                <label>\(t[.netNetwork])<input name="network" required placeholder="10.1.0.0/16" autocomplete="off" spellcheck="false"></label>
                <label>\(t[.netHolder])<select name="holder" required><optgroup label="\(t[.netRoles])">\(roleOptions)</optgroup><optgroup label="\(t[.netUsers])">\(userOptions)</optgroup></select></label>
                <label>\(t[.netPurpose])<select name="purpose">\(purposeOptions)</select></label>
                <label>\(t[.netDescription])<input name="description" maxlength="200" placeholder="\(t[.netDescriptionPlaceholder])"></label>
              </div>
              <p class="warning">\(t[.netAdminWarning])</p>
              <div class="actions"><button type="submit" class="primary">\(t[.netAllow])</button></div>
            </form>
            """
        return .page(title: t[.adminNetworks], section: .admin, body: body)
    }

    static func sessions(_ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        _ = try await page.connection.query("select crm_api.require_admin()")
        let login = page.parameter("login")
        let tz = page.user.timeZone
        let rows = try await page.rows(
            """
            select s.id, s.login, u.name, s.purpose, to_char(s.created_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'),
                   to_char(s.last_seen_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'), to_char(s.expires_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'),
                   host(s.client_ip), s.network::text
            from crm_api.list_sessions((select id from crm.users where login = \(login)), true) s
            join crm.users u on u.id = s.user_id
            where \(login)::text is null or s.login = \(login)
            order by s.last_seen_at desc nulls last, s.id desc
            """)
        let users = try await page.rows("select login, name from crm.users order by name")
        let userOptions = users.map { row -> HTML in
            "<option value=\"\(row[0] ?? "")\"\(HTML.when(row[0] == login, " selected"))>\(row[1] ?? "") (\(row[0] ?? ""))</option>"
        }
        let list = rows.map { row -> HTML in
            let mine = row[0].flatMap(Int64.init) == page.sessionID
            return """
                <tr\(HTML.when(mine, " class=\"current\""))><td>\(row[0] ?? "")</td><td>\(row[2] ?? "") <code>\(row[1] ?? "")</code>\(HTML.when(mine, " <span class=\"pill done\">\(t[.sessYou])</span>"))</td>
                <td>\(t[TextKey(sessionPurpose: row[3] ?? "")])</td><td>\(page.format.time(row[4]))</td><td>\(page.format.time(row[5]))</td><td>\(page.format.time(row[6]))</td>
                <td><code>\(row[7] ?? "")</code></td><td><code>\(row[8] ?? "")</code></td>
                <td><form method="post" action="/admin/sessions/end" class="inline"><input type="hidden" name="_csrf" value="\(page.csrf)"><input type="hidden" name="id" value="\(row[0] ?? "")"><input type="hidden" name="login" value="\(login)"><button type="submit" class="link danger">\(t[.sessEnd])</button></form></td></tr>
                """
        }
        let table: HTML =
            rows.isEmpty
            ? "<p class=\"muted\" id=\"sessions-empty\">\(t[.sessEmpty])</p>"
            : "<div class=\"table-wrap\"><table class=\"list\" id=\"sessions\"><thead><tr><th>#</th><th>\(t[.sessUser])</th><th>\(t[.sessPurpose])</th><th>\(t[.sessCreated])</th><th>\(t[.sessLastSeen])</th><th>\(t[.sessExpires])</th><th>\(t[.sessAddress])</th><th>\(t[.netNetwork])</th><th></th></tr></thead><tbody>\(list)</tbody></table></div>"
        let body: HTML = """
            \(AdminPages.tabs(page, active: "sessions"))
            \(notice(page))
            <form method="get" action="/admin/sessions" class="card filter-form" id="sessions-filter">
              <label>\(t[.sessUser])<select name="login"><option value="">\(t[.sessAllUsers])</option>\(userOptions)</select></label>
              <div class="actions"><button type="submit" class="primary">\(t[.apply])</button></div>
            </form>
            <div class="card">\(table)<p class="muted">\(t.format(.sessCount, ["count": String(rows.count)])) \(t[.sessHint])</p></div>
            """
        return .page(title: t[.adminSessions], section: .admin, body: body)
    }
}

import AccessControl
import HTTPAPI
import Hummingbird
import PostgresClient

/// Administration for administrators (the console stays the primary tool): `/admin` the users
/// with their roles, department and territories; `/admin/roles` the matrix entity × action →
/// scope of a role, editable (the same upsert as the console's `ROLE SET`, which ends the role's
/// sessions); `/admin/audit` the audit log with filters; the departments and territories trees
/// (`AdminTreePages`), networks and sessions (`AdminNetworkPages`). The database decides: a non-admin
/// reads no audit entry and may not write a permission (`crm_api.require_admin`).
struct AdminPages: Sendable {
    let runner: PageRunner

    static let entities = AccessVocabulary.entities
    static let actions = AccessVocabulary.actions
    static let scopes = AccessVocabulary.scopes

    func register(on router: some RouterMethods<CRMRequestContext>) {
        runner.get(router, "/admin") { page in try await Self.users(page) }
        runner.get(router, "/admin/roles") { page in
            try await Self.roles(page, notice: page.parameter("saved").map { _ in page.texts[.saved] })
        }
        runner.post(router, "/admin/roles") { page, form in
            _ = try await page.connection.query("select crm_api.require_admin()")
            guard let role = form["role"].flatMap(Int64.init) else { throw APIError.badRequest("no role") }
            let current = try await page.rows("select entity, action, scope::text from crm.role_permissions where role_id = \(role)")
            var now: [String: String] = [:]
            for row in current { now["\(row[0] ?? "").\(row[1] ?? "")"] = row[2] ?? "none" }
            for entity in Self.entities {
                for action in Self.actions {
                    guard let scope = form["cell.\(entity).\(action)"], Self.scopes.contains(scope),
                        scope != (now["\(entity).\(action)"] ?? "none")
                    else { continue }
                    _ = try await page.connection.query(
                        """
                        insert into crm.role_permissions (role_id, entity, action, scope)
                        values (\(role), \(entity), \(action), \(scope)::crm.scope)
                        on conflict (role_id, entity, action) do update set scope = excluded.scope
                        """)
                }
            }
            return .redirect("/admin/roles?role=\(role)&saved=1")
        }
        runner.get(router, "/admin/audit") { page in try await Self.audit(page) }
        AdminTreePages(runner: runner).register(on: router)
        AdminNetworkPages(runner: runner).register(on: router)
    }

    static func tabs(_ page: PageContext, active: String) -> HTML {
        let t = page.texts
        let items: [(String, String, TextKey)] = [
            ("users", "/admin", .adminUsers), ("roles", "/admin/roles", .adminRoles),
            ("departments", "/admin/departments", .adminDepartments),
            ("territories", "/admin/territories", .adminTerritories), ("networks", "/admin/networks", .adminNetworks),
            ("sessions", "/admin/sessions", .adminSessions), ("audit", "/admin/audit", .adminAudit),
        ]
        let links = items.map { item -> HTML in "<a href=\"\(item.1)\" class=\"tab\(item.0 == active ? " active" : "")\">\(t[item.2])</a>" }
        return "<h1>\(t[.navAdmin])</h1><nav class=\"tabs admin-tabs\">\(links)</nav>"
    }

    static func users(_ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        _ = try await page.connection.query("select crm_api.require_admin()")
        let rows = try await page.rows(
            """
            select u.login, u.name, d.name, u.time_zone, u.active,
                   (select string_agg(r.name, ', ' order by r.name) from crm.user_roles ur join crm.roles r on r.id = ur.role_id where ur.user_id = u.id),
                   (select string_agg(tr.name, ', ' order by tr.name) from crm.user_territories ut join crm.territories tr on tr.id = ut.territory_id where ut.user_id = u.id)
            from crm.users u left join crm.departments d on d.id = u.department_id order by u.login
            """)
        let body = rows.map { row -> HTML in
            "<tr class=\"\(row[4] == "t" ? "" : "muted")\"><td><code>\(row[0] ?? "")</code></td><td>\(row[1] ?? "")</td><td>\(row[5] ?? "—")</td><td>\(row[2] ?? "—")</td><td>\(row[6] ?? "—")</td><td>\(row[3] ?? "")</td><td>\(row[4] == "t" ? t[.yes] : t[.no])</td></tr>"
        }
        return .page(
            title: t[.navAdmin], section: .admin,
            body: """
                \(tabs(page, active: "users"))
                <div class="card table-wrap"><table class="list" id="admin-users"><thead><tr><th>\(t[.login])</th><th>\(t[.name])</th><th>\(t[.adminRoles])</th><th>\(t[.department])</th><th>\(t[.territories])</th><th>\(t[.timeZone])</th><th>\(t[.active])</th></tr></thead><tbody>\(body)</tbody></table></div>
                <p class="muted">\(t[.adminConsoleHint])</p>
                """)
    }

    static func roles(_ page: PageContext, notice: String?) async throws -> PageOutput {
        let t = page.texts
        _ = try await page.connection.query("select crm_api.require_admin()")
        let roles = PostgresRowsLike(try await page.rows("select id, name from crm.roles order by name"))
        guard let role = roles.items.first(where: { $0.0 == page.int64("role") }) ?? roles.items.first else {
            return .page(title: t[.adminRoles], section: .admin, body: tabs(page, active: "roles"))
        }
        let current = try await page.rows("select entity, action, scope::text from crm.role_permissions where role_id = \(role.0)")
        var scopeOf: [String: String] = [:]
        for row in current { scopeOf["\(row[0] ?? "").\(row[1] ?? "")"] = row[2] ?? "none" }
        let roleTabs = roles.items.map { item -> HTML in
            "<a href=\"/admin/roles?role=\(item.0)\" class=\"tab\(item.0 == role.0 ? " active" : "")\">\(item.1)</a>"
        }
        let header = actions.map { action -> HTML in "<th>\(t[TextKey(permissionAction: action)])</th>" }
        let rows = entities.map { entity -> HTML in
            let cells = actions.map { action -> HTML in
                let value = scopeOf["\(entity).\(action)"] ?? "none"
                let options = scopes.map { scope -> HTML in
                    "<option value=\"\(scope)\"\(HTML.when(scope == value, " selected"))>\(t[TextKey(scope: scope)])</option>"
                }
                return "<td><select name=\"cell.\(entity).\(action)\" class=\"scope scope-\(value)\">\(options)</select></td>"
            }
            return "<tr><th>\(t[TextKey(permissionEntity: entity)])</th>\(cells)</tr>"
        }
        return .page(
            title: t[.adminRoles], section: .admin,
            body: """
                \(tabs(page, active: "roles"))
                \(HTML.when(notice != nil, "<p class=\"notice\" id=\"roles-notice\">\(notice ?? "")</p>"))
                <nav class="tabs">\(roleTabs)</nav>
                <form method="post" action="/admin/roles" class="card" id="role-matrix">
                  <input type="hidden" name="_csrf" value="\(page.csrf)">
                  <input type="hidden" name="role" value="\(role.0)">
                  <div class="table-wrap"><table class="list matrix"><thead><tr><th></th>\(header)</tr></thead><tbody>\(rows)</tbody></table></div>
                  <p class="muted">\(t[.adminRolesHint])</p>
                  <div class="actions"><button type="submit" class="primary" id="role-save">\(t[.save])</button></div>
                </form>
                """)
    }

    static func audit(_ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        _ = try await page.connection.query("select crm_api.require_admin()")
        let login = page.parameter("login"), table = page.parameter("table"), action = page.parameter("action")
        let from = DealFilter.date(page.parameter("from")), to = DealFilter.date(page.parameter("to"))
        let tz = page.user.timeZone
        let rows = try await page.rows(
            """
            select a.id, to_char(a.at at time zone \(tz), 'YYYY-MM-DD HH24:MI:SS'), u.login, host(a.client_ip), a.table_name, a.row_id, a.action,
                   a.old_values::text, a.new_values::text
            from audit.log a left join crm.users u on u.id = a.user_id
            where (\(login)::text is null or u.login = \(login))
              and (\(table)::text is null or a.table_name = \(table))
              and (\(action)::text is null or a.action = \(action))
              and (\(from)::date is null or a.at >= \(from)::date)
              and (\(to)::date is null or a.at < \(to)::date + 1)
            order by a.id desc limit 200
            """)
        let body = rows.map { row -> HTML in
            "<tr><td>\(row[0] ?? "")</td><td>\(page.format.time(row[1]))</td><td>\(row[2] ?? "—")</td><td>\(row[3] ?? "")</td><td>\(row[4] ?? "")\(row[5].map { " #" + $0 } ?? "")</td><td>\(row[6] ?? "")</td><td>\(AuditDiff.render(old: row[7], new: row[8]))</td></tr>"
        }
        return .page(
            title: t[.adminAudit], section: .admin,
            body: """
                \(tabs(page, active: "audit"))
                <form method="get" action="/admin/audit" class="card filter-form" id="audit-filter">
                  <label>\(t[.login])<input name="login" value="\(login)"></label>
                  <label>\(t[.table])<input name="table" value="\(table)" placeholder="crm.deals"></label>
                  <label>\(t[.action])<input name="action" value="\(action)" placeholder="update"></label>
                  <label>\(t[.createdFrom])<input type="date" name="from" value="\(from)"></label>
                  <label>\(t[.createdTo])<input type="date" name="to" value="\(to)"></label>
                  <div class="actions"><button type="submit" class="primary">\(t[.apply])</button></div>
                </form>
                <div class="card table-wrap"><table class="list" id="audit-log"><thead><tr><th>#</th><th>\(t[.when])</th><th>\(t[.who])</th><th>IP</th><th>\(t[.table])</th><th>\(t[.action])</th><th>\(t[.changes])</th></tr></thead><tbody>\(body)</tbody></table></div>
                """)
    }
}

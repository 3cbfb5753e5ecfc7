import AccessControl
import AdminConsole
import Credentials
import PostgresClient

/// `USER ADD|LIST|SHOW|DISABLE|ENABLE|PASSWD|ROLE|TERRITORY|GRANT|DENY`.
enum UserCommands {
    static func make(_ context: AdminContext) -> [ConsoleCommand] {
        [
            add(context), list(context), show(context), setActive(context, active: false), setActive(context, active: true),
            passwd(context), role(context), territory(context), grant(context), deny(context), totpReset(context),
        ]
    }

    static let minimumPasswordLength = 10

    static func validLogin(_ login: String) -> Bool {
        guard let first = login.unicodeScalars.first, login.unicodeScalars.count <= 63 else { return false }
        func plain(_ s: Unicode.Scalar) -> Bool { s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s)) }
        return plain(first) && login.unicodeScalars.allSatisfy { plain($0) || "._@-".unicodeScalars.contains($0) }
    }

    static func add(_ context: AdminContext) -> ConsoleCommand {
        let usage = "USER ADD <login> \"<full name>\" [email] [--dept NAME] [--tz Europe/Moscow]"
        return context.command("USER ADD", summary: "Create a user (prints a one-time password)", usage: usage) {
            call, connection, _ in
            var positional: [String] = []
            var department: String?
            var timeZone = "Europe/Moscow"
            var index = 0
            while index < call.count {
                let word = call[index]
                switch word.lowercased() {
                case "--dept", "--tz":
                    guard index + 1 < call.count else { throw ConsoleFailure.syntax(usage) }
                    if word.lowercased() == "--dept" { department = call[index + 1] } else { timeZone = call[index + 1] }
                    index += 2
                default:
                    guard !word.hasPrefix("--") else { throw ConsoleFailure.invalid("unknown option '\(word)'") }
                    positional.append(word)
                    index += 1
                }
            }
            guard (2...3).contains(positional.count) else { throw ConsoleFailure.syntax(usage) }
            let (login, name, email) = (positional[0], positional[1], positional.count == 3 ? positional[2] : nil)
            guard validLogin(login) else {
                throw ConsoleFailure.invalid("login '\(login)' must be Latin letters, digits and . _ @ - (up to 63)")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ConsoleFailure.invalid("the full name is empty") }
            if let email, email.split(separator: "@", omittingEmptySubsequences: false).count != 2 || email.contains(" ") {
                throw ConsoleFailure.invalid("'\(email)' is not an email address")
            }
            let validZone = try await connection.query("select exists (select 1 from pg_timezone_names where name = \(timeZone))")[0]
                .decode(Bool.self, at: 0)
            guard validZone else { throw ConsoleFailure.invalid("unknown time zone '\(timeZone)' (an IANA name such as Europe/Moscow)") }
            var departmentID: Int64?
            if let department { departmentID = try await Lookup.nodeID(department, in: .departments, on: connection) }
            let exists = try await connection.query("select exists (select 1 from crm.users where lower(login) = lower(\(login)))")[0]
                .decode(Bool.self, at: 0)
            if exists { throw ConsoleFailure.exists("user '\(login)' already exists") }
            let id = try await connection.query(
                """
                insert into crm.users (login, name, email, time_zone, department_id)
                values (\(login), \(name), \(email), \(timeZone), \(departmentID)) returning id
                """)[0].decode(Int64.self, at: 0)
            let password = try OneTimePassword.generate()
            try await context.authenticator.setPassword(password, forUser: id, on: connection)
            return .ok("user \(login) created (id \(id)); one-time password: \(password)")
        }
    }

    static func list(_ context: AdminContext) -> ConsoleCommand {
        context.command("USER LIST", summary: "List users", usage: "USER LIST") { call, connection, _ in
            try call.expect(0)
            return .table(
                try await connection.query(
                    """
                    select u.id::text as id, u.login, u.name, coalesce(u.email, '') as email,
                           coalesce(d.name, '') as department, u.time_zone,
                           case when u.active then 'yes' else 'no' end as active,
                           coalesce((select string_agg(r.name, ',' order by r.name) from crm.user_roles ur
                                     join crm.roles r on r.id = ur.role_id where ur.user_id = u.id), '') as roles
                    from crm.users u left join crm.departments d on d.id = u.department_id
                    order by u.login
                    """))
        }
    }

    static func show(_ context: AdminContext) -> ConsoleCommand {
        context.command("USER SHOW", summary: "Show a user's details, roles, territories and grants", usage: "USER SHOW <login>") {
            call, connection, _ in
            try call.expect(1)
            let id = try await Lookup.userID(call[0], on: connection)
            let row = try await connection.query(
                """
                select u.id::text, u.login, u.name, coalesce(u.email, ''), coalesce(u.phone, ''), u.time_zone, u.locale,
                       coalesce(d.name, ''), case when u.active then 'yes' else 'no' end,
                       coalesce((select string_agg(r.name, ',' order by r.name) from crm.user_roles ur
                                 join crm.roles r on r.id = ur.role_id where ur.user_id = u.id), ''),
                       coalesce((select string_agg(t.name, ',' order by t.name) from crm.user_territories ut
                                 join crm.territories t on t.id = ut.territory_id where ut.user_id = u.id), ''),
                       coalesce((select string_agg(o.entity || '.' || o.action || '=' ||
                                                   case when o.effect = 'deny' then 'deny' else o.scope::text end,
                                                   ',' order by o.entity, o.action)
                                 from crm.user_permission_overrides o where o.user_id = u.id), ''),
                       coalesce((select string_agg(n.network::text || ' ' || n.purpose, ',' order by n.id)
                                 from crm.networks n where n.user_id = u.id), ''),
                       (select count(*) from crm_api.list_sessions(u.id))::text
                from crm.users u left join crm.departments d on d.id = u.department_id
                where u.id = \(id)
                """)[0]
            let fields = [
                "id", "login", "name", "email", "phone", "time_zone", "locale", "department", "active", "roles",
                "territories", "overrides", "networks", "open_sessions",
            ]
            return .table(header: ["field", "value"], rows: fields.enumerated().map { [$0.element, row[$0.offset] ?? ""] })
        }
    }

    static func setActive(_ context: AdminContext, active: Bool) -> ConsoleCommand {
        let word = active ? "ENABLE" : "DISABLE"
        let summary =
            active
            ? "Enable a user (old sessions and API tokens stay ended)" : "Disable a user (ends their sessions, revokes their API tokens)"
        return context.command("USER \(word)", summary: summary, usage: "USER \(word) <login>") { call, connection, identity in
            try call.expect(1)
            let id = try await Lookup.userID(call[0], on: connection)
            if !active && id == identity.userID { throw ConsoleFailure.invalid("you cannot disable yourself") }
            let updated = try await connection.query("update crm.users set active = \(active) where id = \(id) and active <> \(active)")
            if updated.affectedRows == 0 {
                let current = try await connection.query("select active from crm.users where id = \(id)")
                if let state = current.first, try state.decode(Bool.self, at: 0) == active {
                    return .ok("user \(call[0]) is already \(active ? "enabled" : "disabled")")
                }
                throw ConsoleFailure.denied("the user could not be changed")
            }
            return .ok("user \(call[0]) \(active ? "enabled" : "disabled; their sessions ended and API tokens revoked")")
        }
    }

    static func passwd(_ context: AdminContext) -> ConsoleCommand {
        context.command(
            "USER PASSWD", summary: "Set a user's password (ends their sessions, revokes their API tokens)",
            usage: "USER PASSWD <login> <new password>", secret: [1]
        ) { call, connection, _ in
            try call.expect(2)
            let id = try await Lookup.userID(call[0], on: connection)
            guard call[1].count >= minimumPasswordLength else {
                throw ConsoleFailure.invalid("a password needs at least \(minimumPasswordLength) characters")
            }
            try await context.authenticator.setPassword(call[1], forUser: id, on: connection)
            return .ok("password of \(call[0]) set; every session of \(call[0]) ended and every API token revoked")
        }
    }

    static func role(_ context: AdminContext) -> ConsoleCommand {
        context.command("USER ROLE", summary: "Give or take a role", usage: "USER ROLE <login> add|remove <role>") {
            call, connection, _ in
            try call.expect(3)
            let add = try call.addOrRemove(at: 1)
            let userID = try await Lookup.userID(call[0], on: connection)
            let roleID = try await Lookup.roleID(call[2], on: connection)
            if add {
                let rows = try await connection.query(
                    "insert into crm.user_roles (user_id, role_id) values (\(userID), \(roleID)) on conflict do nothing")
                if rows.affectedRows == 0 { throw ConsoleFailure.exists("\(call[0]) already has role \(call[2])") }
                return .ok("role \(call[2]) given to \(call[0])")
            }
            let rows = try await connection.query("delete from crm.user_roles where user_id = \(userID) and role_id = \(roleID)")
            if rows.affectedRows == 0 { throw ConsoleFailure.notFound("\(call[0]) does not have role \(call[2])") }
            return .ok("role \(call[2]) taken from \(call[0])")
        }
    }

    static func territory(_ context: AdminContext) -> ConsoleCommand {
        context.command(
            "USER TERRITORY", summary: "Add or remove a user's territory", usage: "USER TERRITORY <login> add|remove <territory>"
        ) { call, connection, _ in
            try call.expect(3)
            let add = try call.addOrRemove(at: 1)
            let userID = try await Lookup.userID(call[0], on: connection)
            let territoryID = try await Lookup.nodeID(call[2], in: .territories, on: connection)
            if add {
                let rows = try await connection.query(
                    "insert into crm.user_territories (user_id, territory_id) values (\(userID), \(territoryID)) on conflict do nothing")
                if rows.affectedRows == 0 { throw ConsoleFailure.exists("\(call[0]) already has territory \(call[2])") }
                return .ok("territory \(call[2]) added to \(call[0])")
            }
            let rows = try await connection.query(
                "delete from crm.user_territories where user_id = \(userID) and territory_id = \(territoryID)")
            if rows.affectedRows == 0 { throw ConsoleFailure.notFound("\(call[0]) does not have territory \(call[2])") }
            return .ok("territory \(call[2]) removed from \(call[0])")
        }
    }

    static func grant(_ context: AdminContext) -> ConsoleCommand {
        let usage = "USER GRANT <login> <entity> <action> <scope>  (scope none removes the personal grant or denial)"
        return context.command("USER GRANT", summary: "Give a user a personal scope for an entity and action", usage: usage) {
            call, connection, _ in
            try call.expect(4)
            let entity = try AccessVocabulary.entity(call[1])
            let action = try AccessVocabulary.action(call[2])
            let scope = try AccessVocabulary.scope(call[3])
            let userID = try await Lookup.userID(call[0], on: connection)
            if scope == "none" {
                let rows = try await connection.query(
                    """
                    delete from crm.user_permission_overrides
                    where user_id = \(userID) and entity = \(entity) and action = \(action)
                    """)
                if rows.affectedRows == 0 { throw ConsoleFailure.notFound("\(call[0]) has no personal rule for \(entity).\(action)") }
                return .ok("personal rule for \(entity).\(action) removed from \(call[0])")
            }
            _ = try await connection.query(
                """
                insert into crm.user_permission_overrides (user_id, entity, action, effect, scope)
                values (\(userID), \(entity), \(action), 'grant', \(scope)::crm.scope)
                on conflict (user_id, entity, action) do update set effect = 'grant', scope = excluded.scope
                """)
            return .ok("\(call[0]) granted \(entity).\(action) = \(scope)")
        }
    }

    static func deny(_ context: AdminContext) -> ConsoleCommand {
        context.command(
            "USER DENY", summary: "Deny a user an action whatever their roles say",
            usage: "USER DENY <login> <entity> <action>"
        ) { call, connection, _ in
            try call.expect(3)
            let entity = try AccessVocabulary.entity(call[1])
            let action = try AccessVocabulary.action(call[2])
            let userID = try await Lookup.userID(call[0], on: connection)
            _ = try await connection.query(
                """
                insert into crm.user_permission_overrides (user_id, entity, action, effect, scope)
                values (\(userID), \(entity), \(action), 'deny', null)
                on conflict (user_id, entity, action) do update set effect = 'deny', scope = null
                """)
            return .ok("\(call[0]) denied \(entity).\(action)")
        }
    }
}

import AccessControl
import AdminConsole
import PostgresClient

/// `ROLE ADD|LIST|SHOW|SET|DROP`.
enum RoleCommands {
    static func make(_ context: AdminContext) -> [ConsoleCommand] {
        [add(context), list(context), show(context), set(context), drop(context)]
    }

    static func add(_ context: AdminContext) -> ConsoleCommand {
        context.command("ROLE ADD", summary: "Create a role (no permissions yet)", usage: "ROLE ADD <name> [\"description\"]") {
            call, connection, _ in
            try call.expect(1...2)
            let name = call[0]
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ConsoleFailure.invalid("the role name is empty") }
            let exists = try await connection.query("select exists (select 1 from crm.roles where lower(name) = lower(\(name)))")[0]
                .decode(Bool.self, at: 0)
            if exists { throw ConsoleFailure.exists("role '\(name)' already exists") }
            let id = try await connection.query(
                "insert into crm.roles (name, description) values (\(name), \(call.optional(1) ?? "")) returning id")[0]
                .decode(Int64.self, at: 0)
            return .ok("role \(name) created (id \(id))")
        }
    }

    static func list(_ context: AdminContext) -> ConsoleCommand {
        context.command("ROLE LIST", summary: "List roles", usage: "ROLE LIST") { call, connection, _ in
            try call.expect(0)
            return .table(
                try await connection.query(
                    """
                    select r.id::text as id, r.name, r.description,
                           case when r.is_admin then 'yes' else 'no' end as admin,
                           case when r.can_access_private then 'yes' else 'no' end as private,
                           (select count(*) from crm.user_roles ur where ur.role_id = r.id)::text as users,
                           (select count(*) from crm.role_permissions p where p.role_id = r.id and p.scope <> 'none')::text as permissions
                    from crm.roles r order by r.name
                    """))
        }
    }

    static func show(_ context: AdminContext) -> ConsoleCommand {
        context.command("ROLE SHOW", summary: "Show a role's permissions", usage: "ROLE SHOW <name>") { call, connection, _ in
            try call.expect(1)
            let id = try await Lookup.roleID(call[0], on: connection)
            return .table(
                try await connection.query(
                    """
                    select entity::text as entity, action::text as action, scope::text as scope
                    from crm.role_permissions where role_id = \(id)
                    order by array_position(\(AccessVocabulary.entities), entity::text),
                             array_position(\(AccessVocabulary.actions), action::text)
                    """))
        }
    }

    static func set(_ context: AdminContext) -> ConsoleCommand {
        context.command(
            "ROLE SET", summary: "Set a role's scope for an entity and action (ends its users' sessions)",
            usage: "ROLE SET <name> <entity> <action> <scope>"
        ) { call, connection, _ in
            try call.expect(4)
            let entity = try AccessVocabulary.entity(call[1])
            let action = try AccessVocabulary.action(call[2])
            let scope = try AccessVocabulary.scope(call[3])
            let id = try await Lookup.roleID(call[0], on: connection)
            _ = try await connection.query(
                """
                insert into crm.role_permissions (role_id, entity, action, scope)
                values (\(id), \(entity), \(action), \(scope)::crm.scope)
                on conflict (role_id, entity, action) do update set scope = excluded.scope
                """)
            return .ok("role \(call[0]): \(entity).\(action) = \(scope)")
        }
    }

    static func drop(_ context: AdminContext) -> ConsoleCommand {
        context.command("ROLE DROP", summary: "Delete a role nobody holds", usage: "ROLE DROP <name>") { call, connection, _ in
            try call.expect(1)
            let id = try await Lookup.roleID(call[0], on: connection)
            let holders = try await connection.query("select count(*) from crm.user_roles where role_id = \(id)")[0]
                .decode(Int64.self, at: 0)
            if holders > 0 {
                throw ConsoleFailure.invalid(
                    "role \(call[0]) is held by \(holders) user(s); take it from them first (USER ROLE ... remove)")
            }
            let rows = try await connection.query("delete from crm.roles where id = \(id)")
            if rows.affectedRows == 0 { throw ConsoleFailure.denied("the role could not be deleted") }
            return .ok("role \(call[0]) dropped")
        }
    }
}

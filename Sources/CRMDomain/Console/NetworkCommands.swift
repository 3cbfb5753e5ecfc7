import AccessControl
import AdminConsole
import PostgresClient

/// `NET ALLOW|LIST|REMOVE`: allowed networks per role or user, per purpose.
enum NetworkCommands {
    static func make(_ context: AdminContext) -> [ConsoleCommand] {
        [allow(context), list(context), remove(context)]
    }

    static func allow(_ context: AdminContext) -> ConsoleCommand {
        let usage = "NET ALLOW role <name>|user <login> <cidr> login|export|admin [\"description\"]"
        return context.command("NET ALLOW", summary: "Allow a network for a role or user and purpose", usage: usage) {
            call, connection, _ in
            try call.expect(4...5)
            let kind = call[0].lowercased()
            guard kind == "role" || kind == "user" else { throw ConsoleFailure.syntax(usage) }
            let cidr = call[2]
            guard IPNetwork(cidr) != nil else {
                throw ConsoleFailure.invalid("'\(cidr)' is not a network (CIDR such as 10.1.0.0/16 or 2001:db8::/32)")
            }
            let purpose = try AccessVocabulary.pick(call[3], from: AccessVocabulary.purposes, what: "purpose")
            var roleID: Int64?
            var userID: Int64?
            if kind == "role" { roleID = try await Lookup.roleID(call[1], on: connection) }
            if kind == "user" { userID = try await Lookup.userID(call[1], on: connection) }
            let id = try await connection.query(
                """
                insert into crm.networks (network, role_id, user_id, purpose, description)
                values (\(cidr)::cidr, \(roleID), \(userID), \(purpose), \(call.optional(4) ?? "")) returning id
                """)[0].decode(Int64.self, at: 0)
            return .ok("network \(id): \(cidr) allowed for \(kind) \(call[1]) (\(purpose))")
        }
    }

    static func list(_ context: AdminContext) -> ConsoleCommand {
        context.command("NET LIST", summary: "List allowed networks", usage: "NET LIST") { call, connection, _ in
            try call.expect(0)
            return .table(
                try await connection.query(
                    """
                    select n.id::text as id, n.network::text as network,
                           case when n.role_id is not null then 'role' else 'user' end as holder_kind,
                           coalesce(r.name, u.login) as holder, n.purpose, n.description
                    from crm.networks n left join crm.roles r on r.id = n.role_id left join crm.users u on u.id = n.user_id
                    order by n.id
                    """))
        }
    }

    static func remove(_ context: AdminContext) -> ConsoleCommand {
        context.command("NET REMOVE", summary: "Remove an allowed network", usage: "NET REMOVE <id>") { call, connection, _ in
            try call.expect(1)
            guard let id = Int64(call[0]) else { throw ConsoleFailure.invalid("'\(call[0])' is not a network id (see NET LIST)") }
            let rows = try await connection.query("delete from crm.networks where id = \(id)")
            if rows.affectedRows == 0 { throw ConsoleFailure.notFound("no network \(id)") }
            return .ok("network \(id) removed")
        }
    }
}

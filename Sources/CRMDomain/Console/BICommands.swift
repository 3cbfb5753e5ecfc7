import AdminConsole
import PostgresClient

/// `BI CREATE|LIST|DROP`: PostgreSQL logins for BI tools, each seeing what one CRM user sees.
enum BICommands {
    static func make(_ context: AdminContext) -> [ConsoleCommand] {
        [create(context), list(context), drop(context)]
    }

    static func create(_ context: AdminContext) -> ConsoleCommand {
        context.command(
            "BI CREATE", summary: "Create a read-only database login that sees what a user sees",
            usage: "BI CREATE <name> <login> <password>", secret: [2]
        ) { call, connection, _ in
            try call.expect(3)
            let userID = try await Lookup.userID(call[1], on: connection)
            _ = try await connection.query("select crm_api.create_bi_login(\(call[0]), \(userID), \(call[2]))")
            return .ok("BI login \(call[0]) created for \(call[1])")
        }
    }

    static func list(_ context: AdminContext) -> ConsoleCommand {
        context.command("BI LIST", summary: "List BI logins", usage: "BI LIST") { call, connection, _ in
            try call.expect(0)
            return .table(
                try await connection.query(
                    """
                    select login_name::text as name, user_login as login, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS') as created,
                           case when role_exists then 'yes' else 'no' end as role_exists
                    from crm_api.list_bi_logins() order by login_name
                    """))
        }
    }

    static func drop(_ context: AdminContext) -> ConsoleCommand {
        context.command("BI DROP", summary: "Drop a BI login", usage: "BI DROP <name>") { call, connection, _ in
            try call.expect(1)
            let dropped = try await connection.query("select crm_api.drop_bi_login(\(call[0]))")[0].decode(Bool.self, at: 0)
            if !dropped { throw ConsoleFailure.notFound("no BI login '\(call[0])'") }
            return .ok("BI login \(call[0]) dropped")
        }
    }
}

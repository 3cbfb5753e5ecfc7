import AdminConsole
import PostgresClient

/// `SESSION LIST|KILL`.
enum SessionCommands {
    static func make(_ context: AdminContext) -> [ConsoleCommand] {
        [list(context), kill(context)]
    }

    static func list(_ context: AdminContext) -> ConsoleCommand {
        context.command("SESSION LIST", summary: "List open sessions, of everybody or of one user", usage: "SESSION LIST [login]") {
            call, connection, _ in
            try call.expect(0...1)
            var userID: Int64?
            if let login = call.optional(0) { userID = try await Lookup.userID(login, on: connection) }
            return .table(
                try await connection.query(
                    """
                    select id::text as id, login, purpose, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS') as created,
                           to_char(last_seen_at, 'YYYY-MM-DD HH24:MI:SS') as last_seen,
                           to_char(expires_at, 'YYYY-MM-DD HH24:MI:SS') as expires, host(client_ip) as ip, network::text as network
                    from crm_api.list_sessions(\(userID), true) order by id
                    """))
        }
    }

    static func kill(_ context: AdminContext) -> ConsoleCommand {
        context.command("SESSION KILL", summary: "End a session", usage: "SESSION KILL <id>") { call, connection, _ in
            try call.expect(1)
            guard let id = Int64(call[0]) else { throw ConsoleFailure.invalid("'\(call[0])' is not a session id (see SESSION LIST)") }
            let ended = try await connection.query("select crm_api.kill_session(\(id))")[0].decode(Bool.self, at: 0)
            if !ended { throw ConsoleFailure.notFound("no open session \(id)") }
            return .ok("session \(id) ended")
        }
    }
}

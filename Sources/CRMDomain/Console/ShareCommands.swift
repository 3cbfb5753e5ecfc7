import AccessControl
import AdminConsole
import PostgresClient

/// `SHARE` and `UNSHARE`: open one row to a named user.
enum ShareCommands {
    static func make(_ context: AdminContext) -> [ConsoleCommand] {
        [share(context), unshare(context)]
    }

    static func rowID(_ text: String) throws -> Int64 {
        guard let id = Int64(text), id > 0 else { throw ConsoleFailure.invalid("'\(text)' is not a row id") }
        return id
    }

    static func share(_ context: AdminContext) -> ConsoleCommand {
        context.command(
            "SHARE", summary: "Share a row with a user (read, or write = read + update)",
            usage: "SHARE <entity> <id> <login> read|write"
        ) { call, connection, _ in
            try call.expect(4)
            let entity = try AccessVocabulary.entity(call[0])
            let id = try rowID(call[1])
            let access = try AccessVocabulary.pick(call[3], from: ["read", "write"], what: "access")
            let userID = try await Lookup.userID(call[2], on: connection)
            _ = try await connection.query(
                """
                insert into crm.shares (entity, row_id, user_id, access) values (\(entity), \(id), \(userID), \(access))
                on conflict (entity, row_id, user_id) do update set access = excluded.access
                """)
            return .ok("\(entity) \(id) shared with \(call[2]) (\(access))")
        }
    }

    static func unshare(_ context: AdminContext) -> ConsoleCommand {
        context.command("UNSHARE", summary: "Stop sharing a row with a user", usage: "UNSHARE <entity> <id> <login>") {
            call, connection, _ in
            try call.expect(3)
            let entity = try AccessVocabulary.entity(call[0])
            let id = try rowID(call[1])
            let userID = try await Lookup.userID(call[2], on: connection)
            let rows = try await connection.query(
                "delete from crm.shares where entity = \(entity) and row_id = \(id) and user_id = \(userID)")
            if rows.affectedRows == 0 { throw ConsoleFailure.notFound("\(entity) \(id) is not shared with \(call[2])") }
            return .ok("\(entity) \(id) no longer shared with \(call[2])")
        }
    }
}

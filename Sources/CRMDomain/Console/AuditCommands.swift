import AccessControl
import AdminConsole
import PostgresClient

/// `AUDIT TAIL|VERIFY`.
enum AuditCommands {
    static func make(_ context: AdminContext) -> [ConsoleCommand] {
        [tail(context), verify(context)]
    }

    static let maximumTail = 1000

    static func tail(_ context: AdminContext) -> ConsoleCommand {
        let usage = "AUDIT TAIL [n] [user <login>|table <table>|action <action>]"
        return context.command("AUDIT TAIL", summary: "Show the newest audit entries", usage: usage) { call, connection, _ in
            var arguments = call.arguments
            var count = 20
            if let first = arguments.first, let number = Int(first) {
                guard (1...maximumTail).contains(number) else { throw ConsoleFailure.invalid("n must be 1...\(maximumTail)") }
                count = number
                arguments.removeFirst()
            }
            var userID: Int64?
            var table: String?
            var action: String?
            switch arguments.count {
            case 0:
                break
            case 2:
                switch arguments[0].lowercased() {
                case "user": userID = try await Lookup.userID(arguments[1], on: connection)
                case "table": table = arguments[1].contains(".") ? arguments[1].lowercased() : "crm." + arguments[1].lowercased()
                case "action": action = try AccessVocabulary.pick(arguments[1], from: AccessVocabulary.auditActions, what: "audit action")
                default: throw ConsoleFailure.syntax(usage)
                }
            default:
                throw ConsoleFailure.syntax(usage)
            }
            return .table(
                try await connection.query(
                    """
                    select l.id::text as id, to_char(l.at, 'YYYY-MM-DD HH24:MI:SS.MS') as "time", coalesce(u.login, '') as "user",
                           coalesce(host(l.client_ip), '') as ip, l.action, coalesce(l.table_name, '') as "table",
                           coalesce(l.row_id::text, '') as "row", coalesce(l.details::text, '') as details
                    from audit.log l left join crm.users u on u.id = l.user_id
                    where (\(userID)::bigint is null or l.user_id = \(userID))
                      and (\(table)::text is null or l.table_name = \(table))
                      and (\(action)::text is null or l.action = \(action))
                    order by l.id desc limit \(count)
                    """))
        }
    }

    static func verify(_ context: AdminContext) -> ConsoleCommand {
        context.command("AUDIT VERIFY", summary: "Seal and check the audit hash chain", usage: "AUDIT VERIFY") { call, connection, _ in
            try call.expect(0)
            _ = try await connection.query("select audit.seal()")
            let row = try await connection.query("select first_bad_id, first_bad_seq, reason, checked from audit.verify()")[0]
            let (badID, badSeq, reason, checked) = try row.decode((Int64?, Int64?, String?, Int64).self)
            guard let badID else { return .ok("chain intact: \(checked) entries") }
            return .error(
                code: "TAMPERED",
                message: "first bad entry id \(badID) (seq \(badSeq.map(String.init) ?? "?")): \(reason ?? "unknown")")
        }
    }
}

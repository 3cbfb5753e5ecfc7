import AdminConsole
import Foundation
import PostgresClient

/// `SECURITY SHOW|SET` (session timeouts, lockout, company time zone) and `ROLE HOURS`.
enum SecurityCommands {
    static func make(_ context: AdminContext) -> [ConsoleCommand] {
        [show(context), set(context), roleHours(context)]
    }

    static func show(_ context: AdminContext) -> ConsoleCommand {
        context.command("SECURITY SHOW", summary: "Show session, lockout and time zone settings", usage: "SECURITY SHOW") {
            call, connection, _ in
            try call.expect(0)
            return .table(
                try await connection.query(
                    """
                    select key as setting, value #>> '{}' as value from jsonb_each(crm_api.security_config()) order by key
                    """))
        }
    }

    static func set(_ context: AdminContext) -> ConsoleCommand {
        let usage = "SECURITY SET <setting> <value>   e.g. SECURITY SET idle_timeout \"45 minutes\""
        return context.command("SECURITY SET", summary: "Change a session, lockout or time zone setting", usage: usage) {
            call, connection, _ in
            try call.expect(2)
            _ = try await connection.query("select crm_api.update_security_config(jsonb_build_object(\(call[0])::text, \(call[1])::text))")
            return .ok("\(call[0]) = \(call[1])")
        }
    }

    static func roleHours(_ context: AdminContext) -> ConsoleCommand {
        let usage = "ROLE HOURS <role> any | ROLE HOURS <role> <weekdays 1-5 or 1,3,5> <HH:MM-HH:MM>"
        return context.command("ROLE HOURS", summary: "Limit when a role's users may sign in (company time zone)", usage: usage) {
            call, connection, _ in
            try call.expect(2...3)
            let roleID = try await Lookup.roleID(call[0], on: connection)
            var weekdays: [Int]?
            var from: String?
            var to: String?
            if call.count == 2 {
                guard call[1].lowercased() == "any" else { throw ConsoleFailure.syntax(usage) }
            } else {
                weekdays = try parseWeekdays(call[1])
                (from, to) = try parseWindow(call[2])
            }
            _ = try await connection.query(
                """
                update crm.roles set login_weekdays = \(weekdays)::smallint[], login_from = \(from)::time, login_to = \(to)::time
                where id = \(roleID)
                """)
            return .ok(weekdays == nil ? "role \(call[0]): any time" : "role \(call[0]): days \(call[1]), \(call[2])")
        }
    }

    /// `1-5`, `6,7` or `1-3,5` → ISO weekdays.
    static func parseWeekdays(_ text: String) throws -> [Int] {
        var days: Set<Int> = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-").map { Int($0) }
            guard bounds.allSatisfy({ $0.map { (1...7).contains($0) } ?? false }), let first = bounds.first ?? nil else {
                throw ConsoleFailure.invalid("weekdays '\(text)': use 1 (Monday) to 7 (Sunday), like 1-5 or 1,3,5")
            }
            let last = bounds.count == 2 ? bounds[1]! : first
            guard bounds.count <= 2, first <= last else {
                throw ConsoleFailure.invalid("weekdays '\(text)': a range goes from the smaller day to the larger")
            }
            days.formUnion(first...last)
        }
        return days.sorted()
    }

    /// `09:00-18:00` → ("09:00", "18:00"); a window over midnight (`22:00-06:00`) is allowed.
    static func parseWindow(_ text: String) throws -> (String, String) {
        let parts = text.split(separator: "-").map(String.init)
        func valid(_ time: String) -> Bool {
            let hm = time.split(separator: ":").map { Int($0) }
            return hm.count == 2 && (0...23).contains(hm[0] ?? -1) && (0...59).contains(hm[1] ?? -1)
        }
        guard parts.count == 2, valid(parts[0]), valid(parts[1]), parts[0] != parts[1] else {
            throw ConsoleFailure.invalid("time window '\(text)': use HH:MM-HH:MM, e.g. 09:00-18:00")
        }
        return (parts[0], parts[1])
    }
}

import AccessControl
import AdminConsole
import PostgresClient

/// `USER TOTPRESET <login>`: turns off a user's two-factor sign-in (a lost phone and no recovery
/// code left); the user signs in with the password and sets it up again.
extension UserCommands {
    static func totpReset(_ context: AdminContext) -> ConsoleCommand {
        context.command(
            "USER TOTPRESET", summary: "Turn off a user's two-factor sign-in (a lost phone)", usage: "USER TOTPRESET <login>"
        ) { call, connection, _ in
            try call.expect(1)
            let id = try await Lookup.userID(call[0], on: connection)
            let wasOn = try await connection.query("select crm_api.admin_reset_two_factor(\(id))")[0].decode(Bool.self, at: 0)
            return .ok(wasOn ? "two-factor sign-in of \(call[0]) turned off" : "\(call[0]) had no two-factor sign-in")
        }
    }
}

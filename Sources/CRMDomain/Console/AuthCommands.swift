import AccessControl
import AdminConsole
import PostgresClient

/// `AUTH` and `WHOAMI`.
enum AuthCommands {
    static func make(_ context: AdminContext) -> [ConsoleCommand] {
        [auth(context), whoami(context), quit(context)]
    }

    /// Signs in for the console: the password is checked like a web login (lockouts, audit),
    /// the session is a console session (admin networks), and the user must be an administrator.
    /// With two-factor sign-in the third argument is the one-time code (or a recovery code).
    static func auth(_ context: AdminContext) -> ConsoleCommand {
        let usage = "AUTH <login> <password> [<one-time code>]"
        return ConsoleCommand("AUTH", summary: "Sign in as an administrator", usage: usage) { request, session in
            guard (2...3).contains(request.arguments.count) else { return .error(code: "SYNTAX", message: "usage: \(usage)") }
            let (login, password) = (request.arguments[0], request.arguments[1])
            let code = request.arguments.count == 3 ? request.arguments[2] : nil
            let clientIP = AdminContext.clientIP(of: session)
            if let previous = await session.attribute(AdminContext.tokenKey, as: String.self) {
                _ = try? await context.authenticator.logout(token: previous, clientIP: clientIP)
                await session.setAttribute(AdminContext.tokenKey, to: nil)
                await session.setAttribute(AdminContext.loginKey, to: nil)
            }
            let opened: Authenticator.Session
            do {
                opened = try await context.authenticator.login(
                    login, password: password, clientIP: clientIP,
                    purpose: session.peer == "local" ? .consoleLocal : .console, userAgent: "admin console",
                    oneTimeCode: code)
            } catch {
                return ConsoleErrors.reply(for: error, command: "AUTH", logger: context.logger)
            }
            let token = opened.token.text
            do {
                let name = try await context.database.withRequest(token: token, clientIP: clientIP) { connection, identity in
                    _ = try await connection.query("select crm_api.require_admin()")
                    return try await connection.query("select login from crm.users where id = \(identity.userID)")[0]
                        .decode(String.self, at: 0)
                }
                await session.setAttribute(AdminContext.tokenKey, to: token)
                await session.setAttribute(AdminContext.loginKey, to: name)
                return .ok("signed in as \(name)")
            } catch {
                _ = try? await context.authenticator.logout(token: token, clientIP: clientIP)
                if let database = error as? PostgresError, database.kind == .insufficientPrivilege {
                    return .error(code: "DENIED", message: "the console needs administrator rights from an allowed admin network")
                }
                return ConsoleErrors.reply(for: error, command: "AUTH", logger: context.logger)
            }
        }
    }

    static func whoami(_ context: AdminContext) -> ConsoleCommand {
        context.command("WHOAMI", summary: "Show who is signed in", usage: "WHOAMI") { call, connection, identity in
            try call.expect(0)
            let row = try await connection.query(
                """
                select u.login, u.name,
                       coalesce((select string_agg(r.name, ',' order by r.name) from crm.user_roles ur
                                 join crm.roles r on r.id = ur.role_id where ur.user_id = u.id), '')
                from crm.users u where u.id = \(identity.userID)
                """)[0]
            let (login, name, roles) = try row.decode((String, String, String).self)
            let session = identity.sessionID.map { " session \($0)" } ?? ""
            return .ok("\(login) (\(name)) roles \(roles.isEmpty ? "-" : roles)\(session) from \(identity.clientIP)")
        }
    }

    /// Replaces the built-in `QUIT`: also ends the console session, so it does not linger until it idles out.
    static func quit(_ context: AdminContext) -> ConsoleCommand {
        ConsoleCommand("QUIT", summary: "Sign out and close the connection") { _, session in
            if let token = await session.attribute(AdminContext.tokenKey, as: String.self) {
                _ = try? await context.authenticator.logout(token: token, clientIP: AdminContext.clientIP(of: session))
                await session.removeAllAttributes()
            }
            return .closing(.ok("bye"))
        }
    }
}

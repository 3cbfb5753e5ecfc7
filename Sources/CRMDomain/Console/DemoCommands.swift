import AdminConsole

/// `DEMO INSTALL`: the demo company, with one-time passwords shown once.
public enum DemoCommands {
    /// Installs the demo company as the database owner; returns the users' logins and passwords.
    public typealias Installer = @Sendable () async throws -> [(login: String, password: String)]

    static func make(_ context: AdminContext, installer: @escaping Installer) -> [ConsoleCommand] {
        [
            context.command(
                "DEMO INSTALL", summary: "Install the demo company (departments, territories, roles, ten users, clients, deals)",
                usage: "DEMO INSTALL"
            ) { call, _, _ in
                try call.expect(0)
                let credentials = try await installer()
                guard !credentials.isEmpty else { throw ConsoleFailure.exists("the demo company is already installed") }
                return .table(header: ["login", "one-time password"], rows: credentials.map { [$0.login, $0.password] })
            }
        ]
    }
}

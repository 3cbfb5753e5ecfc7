import AccessControl
import Credentials
import Logging
import NIOPosix
import PostgresClient

/// The demo company (departments, territories, roles, ten users, a few clients and deals),
/// installed once by `crm serve --demo`, and with it the living demo data (pipelines with every
/// stage populated, counterparties, invoices and payments, tasks, interactions — sql/160).
/// Users get `--demo-password`, or each a one-time password printed once.
public struct DemoCompany: Sendable {
    /// A demo user and the password set for it.
    public struct Credential: Sendable, Equatable {
        public let login: String
        public let password: String
    }

    let authenticator: Authenticator
    let logger: Logger
    /// Whether the first install also fills the company with the living demo data.
    let withData: Bool

    public init(authenticator: Authenticator, logger: Logger, withData: Bool = true) {
        self.authenticator = authenticator
        self.logger = logger
        self.withData = withData
    }

    /// Installs the company unless it is there. Returns the users' passwords when they were set
    /// now: on first install, or every time `password` is given.
    public func install(ownerConninfo: String, password: String?, threadPool: NIOThreadPool) async throws -> [Credential] {
        try await OwnerConnection.run(ownerConninfo, threadPool: threadPool, logger: logger) { connection in
            try await install(on: connection, password: password)
        }
    }

    private func install(on connection: PostgresConnection, password: String?) async throws -> [Credential] {
        let installed = try await connection.query("select exists (select 1 from crm.users where lower(login) = 'director')")[0]
            .decode(Bool.self, at: 0)
        var users: [(String, Int64)]
        if installed {
            // The 1C exchange account came later: a company installed before gets it now.
            let exchange = try await connection.query("select login, user_id from crm_private.install_demo_exchange()")
                .map { try $0.decode((String, Int64).self) }
            guard password != nil else { return try await setPasswords(exchange, password: nil, on: connection) }
            users = try await connection.query(
                "select login, id from crm.users where login = any(\(Self.logins)) order by id"
            ).map { try $0.decode((String, Int64).self) }
        } else {
            // The company and its data in one transaction: a failed data install leaves nothing
            // behind, so the next start tries again.
            let (installedUsers, counts) = try await connection.withTransaction { connection in
                let users = try await connection.query("select login, user_id from crm_private.install_demo_company()")
                    .map { try $0.decode((String, Int64).self) }
                let counts =
                    withData
                    ? try await connection.query("select crm_private.install_demo_data()::text")[0].decode(String.self, at: 0)
                    : "{}"
                // The shipped processes get their rules after the data (the demo deals were
                // placed in their stages by hand, as history).
                if withData {
                    _ = try await connection.query("select crm_private.install_demo_b2b_deals()")
                }
                for preset in Presets.names {
                    _ = try await connection.query("select crm_private.install_preset(\(preset))")
                }
                // The 1C exchange account ("1c", an integration role; sql/schema/exchange).
                let exchange = try await connection.query("select login, user_id from crm_private.install_demo_exchange()")
                    .map { try $0.decode((String, Int64).self) }
                return (users + exchange, counts)
            }
            users = installedUsers
            logger.notice("demo company installed", metadata: ["users": "\(users.count)", "rows": "\(counts)"])
        }
        return try await setPasswords(users, password: password, on: connection)
    }

    private func setPasswords(_ users: [(String, Int64)], password: String?, on connection: PostgresConnection) async throws -> [Credential]
    {
        var credentials: [Credential] = []
        for (login, userID) in users {
            let secret = try password ?? OneTimePassword.generate()
            let hash = try await authenticator.hash(secret)
            _ = try await connection.query("update crm.users set password_hash = \(hash) where id = \(userID)")
            credentials.append(Credential(login: login, password: secret))
        }
        return credentials
    }

    static let logins = [
        "director", "head.msk", "manager.msk", "junior.msk", "head.spb", "manager.spb", "purchaser", "procurement.head",
        "accountant", "admin", "1c",
    ]
}

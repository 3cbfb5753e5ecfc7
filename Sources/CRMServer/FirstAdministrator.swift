import Credentials
import Logging
import NIOPosix
import PostgresClient

/// The first administrator of an empty database, so that someone can sign in to the console:
/// user `administrator` in role `administrators` (admin rights, no business rights), with a
/// one-time password returned once. Runs as the database owner; does nothing once any user exists.
public struct FirstAdministrator: Sendable {
    public static let login = "administrator"
    public static let role = "administrators"

    let hasher: PasswordHasher
    let logger: Logger

    public init(hasher: PasswordHasher, logger: Logger) {
        self.hasher = hasher
        self.logger = logger
    }

    /// Hashes on `threadPool`, off the cooperative pool.
    private func hash(_ password: String, threadPool: NIOThreadPool) async throws -> String {
        let hasher = self.hasher
        return try await threadPool.runIfActive { try hasher.hash(password) }
    }

    /// Creates the administrator when there is no user at all; returns its one-time password.
    public func ensure(ownerConninfo: String, threadPool: NIOThreadPool) async throws -> String? {
        try await OwnerConnection.run(ownerConninfo, threadPool: threadPool, logger: logger) { connection in
            try await connection.withTransaction { connection in
                _ = try await connection.query("lock table crm.users in share row exclusive mode")
                let empty = try await connection.query("select not exists (select 1 from crm.users)")[0].decode(Bool.self, at: 0)
                guard empty else { return nil }
                let password = try OneTimePassword.generate()
                let hash = try await hash(password, threadPool: threadPool)
                _ = try await connection.query(
                    """
                    with role as (
                      insert into crm.roles (name, description, is_admin)
                      values (\(Self.role), 'Администраторы: пользователи, роли, сети', true)
                      on conflict do nothing returning id
                    ), account as (
                      insert into crm.users (login, name, password_hash) values (\(Self.login), 'Администратор', \(hash)) returning id
                    )
                    insert into crm.user_roles (user_id, role_id)
                    select account.id, coalesce((select id from role), (select id from crm.roles where name = \(Self.role)))
                    from account
                    """)
                logger.notice("first administrator created", metadata: ["login": "\(Self.login)"])
                return password
            }
        }
    }

    /// Sets a new password for `login` (recovery from the server's machine). Returns false when
    /// there is no such user.
    public func resetPassword(login: String, password: String, ownerConninfo: String, threadPool: NIOThreadPool) async throws -> Bool {
        let hash = try await hash(password, threadPool: threadPool)
        return try await OwnerConnection.run(ownerConninfo, threadPool: threadPool, logger: logger) { connection in
            try await connection.query("update crm.users set password_hash = \(hash) where lower(login) = lower(\(login))").affectedRows
                == 1
        }
    }
}

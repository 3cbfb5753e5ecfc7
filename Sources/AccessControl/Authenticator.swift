import Credentials
import Foundation
import Logging
import NIOPosix
import PostgresClient

/// Logs users in and out. The password check runs on threads of its own (the KDF is slow on
/// purpose); the database keeps sessions, lockouts and the audit of every attempt.
public struct Authenticator: Sendable {
    /// Where a session is used: the web/API, the admin console over TCP (which needs an admin
    /// network), or the console's local Unix socket (which stands in for one).
    public enum Purpose: String, Sendable {
        case web
        case console
        case consoleLocal = "console_local"
    }

    /// A new session.
    public struct Session: Sendable {
        /// Shown once to the client; only its hash is stored.
        public let token: BearerToken
        public let userID: Int64
        public let sessionID: Int64
        public let expiresAt: Date
    }

    let pool: PostgresPool
    let hasher: PasswordHasher
    let hashingThreads: NIOThreadPool
    let logger: Logger

    public init(pool: PostgresPool, hasher: PasswordHasher = PasswordHasher(), hashingThreads: NIOThreadPool, logger: Logger) {
        self.pool = pool
        self.hasher = hasher
        self.hashingThreads = hashingThreads
        self.logger = logger
    }

    /// Checks `login` and `password` from `clientIP` and opens a session, or throws `AccessError`.
    /// Unknown logins and wrong passwords take the same time and get the same answer. A user with
    /// two-factor sign-in also needs `oneTimeCode` (a TOTP code or a recovery code): without it
    /// `totpRequired`, a wrong one `totpInvalid` (counted towards the lockout).
    public func login(
        _ login: String, password: String, clientIP: String, purpose: Purpose = .web, userAgent: String? = nil,
        oneTimeCode: String? = nil, client: String? = nil
    ) async throws -> Session {
        let attempt = Attempt(
            login: login, clientIP: clientIP, client: client ?? Authenticator.client(of: purpose), userAgent: userAgent)
        let lookup = try await pool.query(
            "select user_id, password_hash, refused, locked_until from crm_api.login_lookup(\(login), \(clientIP)::inet)")
        let (userID, storedHash, refused, lockedUntil) = try lookup[0].decode((Int64?, String?, String?, Date?).self)
        let hasher = self.hasher
        let matches = try await hashingThreads.runIfActive {
            guard let storedHash else {
                hasher.verifyDummy(password)
                return false
            }
            return hasher.verify(password, against: storedHash)
        }
        if refused != nil || lockedUntil != nil {
            try await attempt.refused(refused ?? "account_locked", on: pool)
            throw AccessError.locked(until: lockedUntil)
        }
        guard matches, let userID else {
            let failed = try await pool.query(
                "select locked, locked_until from crm_api.login_failed(\(login), \(clientIP)::inet, \(userID == nil ? "unknown_login" : "bad_password"), \(attempt.client), \(userAgent))"
            )
            let (locked, until) = try failed[0].decode((Bool, Date?).self)
            if locked { throw AccessError.locked(until: until) }
            throw AccessError.invalidCredentials
        }
        try await checkSecondFactor(attempt, userID: userID, code: oneTimeCode)
        let token = try BearerToken.generate(prefix: purpose == .web ? "crm_s_" : "crm_c_")
        let opened = try await pool.query(
            """
            select ok, reason, session_id, expires_at
            from crm_api.login_succeeded(\(userID), \(clientIP)::inet, \(token.hash)::bytea, \(purpose.rawValue), \(userAgent), \(attempt.client))
            """)
        let (ok, reason, sessionID, expiresAt) = try opened[0].decode((Bool, String?, Int64?, Date?).self)
        guard ok, let sessionID, let expiresAt else { throw AccessError.loginRefused(reason: reason ?? "refused") }
        logger.info("login", metadata: ["user_id": "\(userID)", "session_id": "\(sessionID)", "purpose": "\(purpose.rawValue)"])
        return Session(token: token, userID: userID, sessionID: sessionID, expiresAt: expiresAt)
    }

    /// One sign-in attempt as the login history records it (sql/schema/security/login_history.sql).
    struct Attempt: Sendable {
        let login: String
        let clientIP: String
        /// `api`, `web`, `console` or `console_local`.
        let client: String
        let userAgent: String?

        /// Records a refusal that is no failed guess (not counted towards the lockout).
        func refused(_ reason: String, on pool: PostgresPool) async throws {
            _ = try await pool.query(
                "select crm_api.login_refused(\(login), \(clientIP)::inet, \(reason), \(client), \(userAgent))")
        }
    }

    static func client(of purpose: Purpose) -> String {
        switch purpose {
        case .web: return "web"
        case .console: return "console"
        case .consoleLocal: return "console_local"
        }
    }

    /// Ends the session of `token`. Returns whether there was an open session.
    @discardableResult
    public func logout(token: String, clientIP: String) async throws -> Bool {
        let rows = try await pool.query("select crm_api.logout(\(BearerToken(text: token).hash)::bytea, \(clientIP)::inet)")
        return try rows[0].decode(Bool?.self, at: 0) ?? false
    }

    /// Stores a new password for `userID` (hashing it first). Runs as the acting user on
    /// `connection`, so the database decides whether that user may set it.
    public func setPassword(_ password: String, forUser userID: Int64, on connection: PostgresConnection) async throws {
        let hasher = self.hasher
        let hash = try await hashingThreads.runIfActive { try hasher.hash(password) }
        _ = try await connection.query("select crm_api.set_password_hash(\(userID), \(hash))")
    }

    /// The hash of `password`, computed off the cooperative pool (for seeding users).
    public func hash(_ password: String) async throws -> String {
        let hasher = self.hasher
        return try await hashingThreads.runIfActive { try hasher.hash(password) }
    }
}

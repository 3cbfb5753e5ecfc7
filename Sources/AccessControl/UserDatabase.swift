import Credentials
import PostgresClient

/// Runs work in the database as a CRM user: one transaction whose first statement,
/// `crm_api.begin_request(token hash, client ip)`, checks the session or API token and sets the
/// database role and the user's context for that transaction only. Row-level security does
/// the rest; the pool's login role (`crm_authenticator`) can read nothing by itself.
public struct UserDatabase: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Runs `body` as the holder of `token`, from `clientIP`. Throws `AccessError.unauthenticated`
    /// when the token is missing, unknown, expired or used from another network.
    ///
    /// `passive`: the server's own re-check of a long-lived connection (the event stream) —
    /// the same checks, but not counted as the session's activity (`crm_api.begin_passive_request`),
    /// so it does not keep an idle session alive.
    public func withRequest<T: Sendable>(
        token: String?, clientIP: String, passive: Bool = false,
        _ body: @Sendable (PostgresConnection, Identity) async throws -> T
    ) async throws -> T {
        guard let token, !token.isEmpty else { throw AccessError.unauthenticated(reason: "missing_token") }
        let hash = BearerToken(text: token).hash
        return try await pool.withConnection { connection in
            do {
                let outcome: Result<T, AccessError> = try await connection.withTransaction { connection in
                    let rows = try await Self.beginRequest(hash, clientIP, passive: passive, on: connection)
                    let (ok, reason, userID, sessionID, tokenID) = try rows[0].decode((Bool, String?, Int64?, Int64?, Int64?).self)
                    // A refused request still commits: an expired session is ended in this transaction.
                    guard ok, let userID else { return .failure(.unauthenticated(reason: reason ?? "invalid_token")) }
                    let identity = Identity(userID: userID, sessionID: sessionID, apiTokenID: tokenID, clientIP: clientIP)
                    return .success(try await body(connection, identity))
                }
                return try outcome.get()
            } catch let error as PostgresError where error.kind == .connectionLost {
                throw error
            } catch {
                // The request failed and rolled back, and with it the session's bookkeeping (last
                // seen, an expiry). Check the session again on its own so that failing requests
                // still count as activity. Only failures pay for this.
                _ = try? await connection.withTransaction { try await Self.beginRequest(hash, clientIP, passive: passive, on: $0) }
                throw error
            }
        }
    }

    private static func beginRequest(
        _ hash: [UInt8], _ clientIP: String, passive: Bool, on connection: PostgresConnection
    )
        async throws -> PostgresRows
    {
        if passive {
            return try await connection.query(
                "select ok, reason, user_id, session_id, api_token_id from crm_api.begin_passive_request(\(hash)::bytea, \(clientIP)::inet)",
                prepared: true)
        }
        return try await connection.query(
            "select ok, reason, user_id, session_id, api_token_id from crm_api.begin_request(\(hash)::bytea, \(clientIP)::inet)",
            prepared: true)
    }

    /// Runs `body` as user `userID` without a token, for the server's own jobs (reminders,
    /// imports) and for the console after its AUTH. The same rules apply.
    public func withUser<T: Sendable>(
        _ userID: Int64, sessionID: Int64? = nil, clientIP: String,
        _ body: @Sendable (PostgresConnection, Identity) async throws -> T
    ) async throws -> T {
        let outcome: Result<T, AccessError> = try await pool.withTransaction { connection in
            let rows = try await connection.query(
                "select ok, reason from crm_api.begin_request_as(\(userID), \(clientIP)::inet, \(sessionID))", prepared: true)
            let (ok, reason) = try rows[0].decode((Bool, String?).self)
            guard ok else { return .failure(.unauthenticated(reason: reason ?? "refused")) }
            let identity = Identity(userID: userID, sessionID: sessionID, apiTokenID: nil, clientIP: clientIP)
            return .success(try await body(connection, identity))
        }
        return try outcome.get()
    }
}

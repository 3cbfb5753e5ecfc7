import AccessControl
import PostgresClient

/// What a request needs to open its database transaction: the caller's credential (a session
/// or API token), the client's address and the request id — and one way to run that transaction.
///
/// `AuthenticationMiddleware` puts it on `CRMRequestContext.scope` for every route of the
/// authenticated group; handlers never read the `Authorization` header themselves.
///
/// The session itself is checked by PostgreSQL, as the first statement of each transaction
/// (`crm_api.begin_request`: expiry, idle time, network, login hours, the user being active) —
/// in the same round trip that sets the role (`crm_user`) and the acting user's signed context
/// for that transaction only. So checking the token is never a separate step that could
/// disagree with the rows the request then reads, and costs no extra round trip. The acting
/// user (`Identity`: user, session or API token, client IP as the database saw it) is handed
/// to the transaction's body.
///
/// libpq calls never run here: `UserDatabase` hands the work to the pool, whose connections run
/// every blocking call on the pool's own threads.
public struct RequestScope: Sendable {
    /// Where the transaction runs.
    public let database: UserDatabase
    /// The session or API token (an empty one is refused by `transaction`, as a missing one).
    public let token: String
    /// The client's address (the peer, or the forwarded address behind a trusted proxy).
    public let clientIP: String
    /// The request's id (`X-Request-Id`), for log lines.
    public let requestID: String

    public init(database: UserDatabase, token: String, clientIP: String, requestID: String) {
        self.database = database
        self.token = token
        self.clientIP = clientIP
        self.requestID = requestID
    }

    /// Runs `body` in the request's transaction as the acting user (row-level security decides
    /// the rows); commits when `body` returns, rolls back when it throws. Throws
    /// `AccessError.unauthenticated` (401) when the session or token is not valid (any more).
    ///
    /// `passive`: a server-side re-check of a long-lived response (the event stream), not
    /// counted as the session's activity.
    public func transaction<T: Sendable>(
        passive: Bool = false, _ body: @Sendable (PostgresConnection, Identity) async throws -> T
    ) async throws -> T {
        try await database.withRequest(token: token, clientIP: clientIP, passive: passive, body)
    }

    /// Checks the session like every request does (counted as activity), for an answer that
    /// reads nothing from the database.
    public func check() async throws {
        try await transaction { _, _ in }
    }
}

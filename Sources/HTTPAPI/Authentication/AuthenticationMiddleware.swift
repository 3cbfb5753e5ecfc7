import AccessControl
import Foundation
import Hummingbird

/// Authentication in one place: puts the request's `RequestScope` (the credential, the client
/// IP, the request id and the database) on `CRMRequestContext.scope` for every route added
/// after it — `APIRouter` adds it to the group holding every signed-in API route — and answers
/// 401 (`missing_token`, the one JSON error format of `ErrorMiddleware`) before the handler runs,
/// and so before any body is read, when the request carries no credential.
///
/// How a handler is written (see `RequestScope`):
///
/// ```swift
/// func register(on router: some RouterMethods<CRMRequestContext>) {   // the authenticated group
///     router.get("/api/v1/pipelines") { request, context in
///         let json = try await context.scope.transaction { connection, user in
///             try await connection.query("select crm_api.pipelines()::text", prepared: true)[0][0] ?? "[]"
///         }
///         return JSONResponse.raw("{\"items\":\(json)}")
///     }
/// }
/// ```
///
/// - Never read `Authorization` or call `UserDatabase.withRequest` in a handler: register the
///   route on the authenticated group (`APIRouter.build`'s `api`) and use `context.scope`.
/// - Validate the request (ids, parameters, the body) before `transaction`, so a connection is
///   held only while the database works; long work that needs no database (a PDF conversion is
///   the exception that must be inside: its number is taken in the same transaction) stays out.
/// - A streamed response keeps the `RequestScope` value and opens its own transactions with it
///   while it writes (the export download, the event stream).
/// - Errors are thrown, typed (`APIError`, `AccessError`, `PostgresError`), and mapped once by
///   `ErrorMiddleware`.
///
/// The web pages use the same middleware with the session cookie as the credential and
/// `whenMissing: .passOn` (they redirect to the sign-in page instead of answering 401).
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = CRMRequestContext

    /// What to do with a request that carries no credential.
    public enum Missing: Sendable {
        /// Answer 401 `missing_token` (the API).
        case refuse
        /// Call the handler with `context.scope` unset (it decides: the pages redirect).
        case passOn
    }

    let database: UserDatabase
    let credential: @Sendable (Request) -> String?
    let whenMissing: Missing

    /// - Parameters:
    ///   - credential: reads the token of a request; by default `Authorization: Bearer <token>`.
    public init(
        database: UserDatabase, credential: @escaping @Sendable (Request) -> String? = BearerCredential.token(from:),
        whenMissing: Missing = .refuse
    ) {
        self.database = database
        self.credential = credential
        self.whenMissing = whenMissing
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let token = credential(request) {
            context.authenticated = RequestScope(database: database, token: token, clientIP: context.clientIP, requestID: context.requestID)
        } else if whenMissing == .refuse {
            throw AccessError.unauthenticated(reason: "missing_token")
        }
        return try await next(request, context)
    }
}

/// The bearer token of `Authorization: Bearer <token>`.
public enum BearerCredential {
    /// The token, if the header holds one.
    public static func token(from request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

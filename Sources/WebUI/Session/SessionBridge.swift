import HTTPAPI
import HTTPTypes
import Hummingbird

/// Lets the pages' scripts call the JSON API with the session cookie: a request without an
/// `Authorization` header but with the session cookie is handed on with that session's bearer
/// token — and, unless it is a safe method, only with the session's CSRF token in
/// `X-CSRF-Token` (403 otherwise). API clients sending their own token are not affected.
public struct SessionBridge: RouterMiddleware {
    public typealias Context = CRMRequestContext

    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/"), request.headers[.authorization] == nil,
            let token = WebSession.token(request)
        else { return try await next(request, context) }
        if ![.get, .head, .options].contains(request.method),
            !WebSession.csrfMatches(request.headers[WebSession.csrfHeader], token: token)
        {
            throw APIError.forbidden("missing or wrong CSRF token (X-CSRF-Token)")
        }
        var head = request.head
        head.headerFields[.authorization] = "Bearer \(token)"
        return try await next(Request(head: head, body: request.body), context)
    }
}

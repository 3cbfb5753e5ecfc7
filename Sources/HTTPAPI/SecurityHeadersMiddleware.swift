import HTTPTypes
import Hummingbird

/// Headers every answer carries, whatever produced it: `X-Content-Type-Options: nosniff`, so a
/// browser never guesses an active type from content; `Referrer-Policy` (`no-referrer` unless the
/// answer chose one: the web pages say `same-origin`); on an HTML answer without a
/// `Content-Security-Policy` of its own, a restrictive one (no script, no framing). Refuses TRACE
/// and CONNECT (405): TRACE would echo a request's credentials back to a script (cross-site
/// tracing).
///
/// CORS only for the configured origins (`--cors-origin`, none by default): a request whose
/// `Origin` is one of them gets `Access-Control-Allow-Origin` with that origin (never `*`, never
/// with credentials: the API is used with a bearer token, the cookie session stays same-site),
/// and its preflight `OPTIONS` a 204 with the methods and headers the API takes. Any other origin
/// gets no CORS header, so browsers keep their same-origin rule.
public struct SecurityHeadersMiddleware: RouterMiddleware {
    public typealias Context = CRMRequestContext

    /// The policy of an HTML answer that set none.
    public static let htmlPolicy =
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    static let allowedMethods = "GET, HEAD, POST, PATCH, PUT, DELETE"
    static let allowedHeaders =
        "Authorization, Content-Type, Accept, Accept-Language, If-Match, If-None-Match, Idempotency-Key, X-Request-Id"
    static let exposedHeaders = "ETag, Location, X-Request-Id, Retry-After, Content-Disposition"

    let corsOrigins: Set<String>

    public init(corsOrigins: [String] = []) {
        self.corsOrigins = Set(corsOrigins)
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        let origin = request.headers[.origin].flatMap { corsOrigins.contains($0) ? $0 : nil }
        if request.method == .trace || request.method == .connect {
            response = ErrorResponse.make(
                .methodNotAllowed, requestID: context.requestID,
                language: MessageLanguage(acceptLanguage: request.headers[.acceptLanguage]) ?? .ru)
            response.headers[.allow] = "GET, HEAD, POST, PATCH, PUT, DELETE, OPTIONS"
        } else if request.method == .options, origin != nil, request.headers[.accessControlRequestMethod] != nil {
            response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = Self.allowedMethods
            response.headers[.accessControlAllowHeaders] = Self.allowedHeaders
            response.headers[.accessControlMaxAge] = "600"
        } else {
            response = try await next(request, context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        if response.headers[.referrerPolicy] == nil { response.headers[.referrerPolicy] = "no-referrer" }
        if response.headers[.contentSecurityPolicy] == nil,
            response.headers[.contentType]?.lowercased().hasPrefix("text/html") == true
        {
            response.headers[.contentSecurityPolicy] = Self.htmlPolicy
        }
        if !corsOrigins.isEmpty {
            response.headers.append(HTTPField(name: .vary, value: "Origin"))
            if let origin {
                response.headers[.accessControlAllowOrigin] = origin
                response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
            }
        }
        return response
    }
}

extension HTTPField.Name {
    /// `X-Content-Type-Options`.
    public static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    /// `Referrer-Policy`.
    public static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}

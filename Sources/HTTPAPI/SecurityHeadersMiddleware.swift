import HTTPTypes
import Hummingbird

/// Headers every answer carries, whatever produced it: `X-Content-Type-Options: nosniff`, so a
/// browser never guesses an active type from content. Refuses TRACE and CONNECT (405): TRACE
/// would echo a request's credentials back to a script (cross-site tracing).
public struct SecurityHeadersMiddleware: RouterMiddleware {
    public typealias Context = CRMRequestContext

    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        if request.method == .trace || request.method == .connect {
            response = ErrorResponse.make(
                .methodNotAllowed, requestID: context.requestID,
                language: MessageLanguage(acceptLanguage: request.headers[.acceptLanguage]) ?? .ru)
            response.headers[.allow] = "GET, HEAD, POST, PATCH, PUT, DELETE, OPTIONS"
        } else {
            response = try await next(request, context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

extension HTTPField.Name {
    /// `X-Content-Type-Options`.
    public static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
}

import AccessControl
import HTTPTypes
import Hummingbird

/// Sets the request's client IP: the socket's peer, or — only when the peer is a configured
/// trusted proxy — the rightmost untrusted address of `X-Forwarded-For`.
public struct ClientAddressMiddleware: RouterMiddleware {
    public typealias Context = CRMRequestContext
    let resolver: ClientAddressResolver

    public init(resolver: ClientAddressResolver) {
        self.resolver = resolver
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let forwarded = request.headers[values: .xForwardedFor]
        if let ip = resolver.resolve(peer: context.peerIP, forwardedFor: forwarded) {
            context.clientIP = ip
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`.
    public static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}

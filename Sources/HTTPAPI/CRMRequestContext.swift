import Foundation
import Hummingbird
import Logging
import NIOCore

/// Per-request data: the request id, the client's IP address and, on the authenticated routes,
/// the request's scope (`scope`: the credential and the one way to open the request's
/// transaction as the acting user, set by `AuthenticationMiddleware`).
public struct CRMRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id of this request, echoed in `X-Request-Id` and in every error body and log line.
    public var requestID: String
    /// The peer address of the socket.
    public let peerIP: String?
    /// The client's address: the peer, or the forwarded address when the peer is a trusted proxy
    /// (set by `ClientAddressMiddleware`).
    public var clientIP: String
    /// Set by `AuthenticationMiddleware`; read it through `scope`.
    public var authenticated: RequestScope?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.peerIP = source.channel.remoteAddress?.ipAddress
        self.clientIP = peerIP ?? "127.0.0.1"
    }
}

extension CRMRequestContext {
    /// The request's scope on a route of the authenticated group:
    /// `try await context.scope.transaction { connection, user in ... }`. On a route outside
    /// it this is a wiring mistake, answered 500 (and logged), never a way in.
    public var scope: RequestScope {
        get throws {
            guard let authenticated else { throw RequestScopeMissing() }
            return authenticated
        }
    }

    /// The bearer token of `Authorization: Bearer <token>`, if any. Handlers use `scope`
    /// instead; this is for code written before `AuthenticationMiddleware`.
    public func bearerToken(from request: Request) -> String? {
        BearerCredential.token(from: request)
    }
}

/// A handler asked for `CRMRequestContext.scope` on a route registered outside the
/// authenticated group (`AuthenticationMiddleware`): a programming error, a 500.
public struct RequestScopeMissing: Error, CustomStringConvertible {
    public var description: String { "the route is not behind AuthenticationMiddleware" }
}

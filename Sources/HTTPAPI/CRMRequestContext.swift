import Foundation
import Hummingbird
import Logging
import NIOCore

/// Per-request data: the request id and the client's IP address, then (later) the acting user.
public struct CRMRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id of this request, echoed in `X-Request-Id` and in every error body and log line.
    public var requestID: String
    /// The peer address of the socket.
    public let peerIP: String?
    /// The client's address: the peer, or the forwarded address when the peer is a trusted proxy
    /// (set by `ClientAddressMiddleware`).
    public var clientIP: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.peerIP = source.channel.remoteAddress?.ipAddress
        self.clientIP = peerIP ?? "127.0.0.1"
    }
}

extension CRMRequestContext {
    /// The bearer token of `Authorization: Bearer <token>`, if any.
    public func bearerToken(from request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

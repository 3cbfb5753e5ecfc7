import Hummingbird
import Logging
import NIOCore

/// Per-request data: the request id and the client's IP address, then (later) the acting user.
public struct CRMRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id of this request, echoed in `X-Request-Id` and in every error body and log line.
    public var requestID: String
    /// The peer address of the socket (a trusted proxy's forwarded address is resolved later).
    public let peerIP: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.peerIP = source.channel.remoteAddress?.ipAddress
    }
}

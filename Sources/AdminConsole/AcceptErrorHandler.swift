import Logging
import NIOCore

/// Logs errors on the listening socket (e.g. too many open files) and stops them there, so one failed
/// accept does not end the server's stream of incoming connections.
final class AcceptErrorHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel

    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning("admin console failed to accept a connection", metadata: ["error": "\(error)"])
    }
}

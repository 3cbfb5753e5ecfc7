import NIOCore

/// What a client connection's pipeline hands to its command loop.
enum ConsoleInboundEvent: Sendable {
    /// A complete, valid UTF-8 line without its terminator.
    case line(String)
    /// The client broke the protocol; it gets the violation's reply and is closed.
    case violation(Violation)
    /// Nothing was read or written for the idle timeout, as of the given time.
    case idle(NIODeadline)
    /// The server is shutting down gracefully.
    case shutdown

    /// A way a client can break the line protocol.
    enum Violation: Sendable, Equatable {
        case lineTooLong(limit: Int)
        case nulByte
        case invalidUTF8

        /// The error reply sent before closing.
        var reply: ConsoleReply {
            switch self {
            case .lineTooLong(let limit): .error(code: "LINE_TOO_LONG", message: "line exceeds \(limit) bytes")
            case .nulByte: .error(code: "PROTOCOL", message: "NUL byte in input")
            case .invalidUTF8: .error(code: "PROTOCOL", message: "input is not valid UTF-8")
            }
        }
    }
}

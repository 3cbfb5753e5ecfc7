import NIOCore
import NIOSSL

/// One reply of the server: a code and its lines (`250-…` continuation lines, then `250 …`).
public struct SMTPReply: Sendable, Equatable {
    public var code: Int
    public var lines: [String]

    /// The lines as one text (for the reason recorded on a failure).
    public var text: String { lines.joined(separator: " / ") }
}

/// Cuts the server's bytes into replies and hands each to `continuation`; an error or the end
/// of the connection ends the stream. A line over 4 KiB or a reply of over 100 lines is a
/// protocol violation (a broken or hostile server must not grow memory).
final class SMTPReplyDecoder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation
    private var pending: [UInt8] = []
    private var lines: [String] = []

    init(continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(pending[..<newline])
            pending.removeSubrange(...newline)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            handle(String(decoding: line, as: UTF8.self), context: context)
        }
        if pending.count > 4096 { fail(.protocolViolation("a line longer than 4096 bytes"), context: context) }
    }

    private func handle(_ line: String, context: ChannelHandlerContext) {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200...599).contains(code),
            bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-")
        else {
            fail(.protocolViolation(String(line.prefix(200))), context: context)
            return
        }
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        if lines.count > 100 {
            fail(.protocolViolation("a reply of more than 100 lines"), context: context)
            return
        }
        if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") {
            continuation.yield(SMTPReply(code: code, lines: lines))
            lines = []
        }
    }

    private func fail(_ error: MailError, context: ChannelHandlerContext) {
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is NIOSSLError || error is BoringSSLError {
            continuation.finish(throwing: MailError.tls(String(describing: error)))
        } else {
            continuation.finish(throwing: MailError.connectionFailed(String(describing: error)))
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }
}

import NIOCore
import NIOPosix

/// The client's overall deadline passed before the test finished talking to the server.
struct ClientDeadlineExceeded: Error {}

/// A raw socket client for the console: sends bytes, reads `\r\n`-terminated lines.
///
/// Used from one task only. Every client has a deadline after which reads throw
/// `ClientDeadlineExceeded`, so a hung server fails the test instead of hanging it.
final class ConsoleTestClient {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var pending: [UInt8] = []
    private var sawEndOfInput = false
    /// Lines the server ended with a bare `\n` instead of `\r\n`.
    private(set) var bareLineFeeds = 0

    private init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Connects to `address`, runs `body`, then closes the connection.
    static func connect(
        to address: SocketAddress,
        deadline: TimeAmount = .seconds(30),
        _ body: (ConsoleTestClient) async throws -> Void
    ) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true)
                    )
                }
            }
        let raw = channel.channel
        let timer = raw.eventLoop.scheduleTask(in: deadline) {
            raw.pipeline.fireErrorCaught(ClientDeadlineExceeded())
            raw.close(promise: nil)
        }
        defer { timer.cancel() }
        try await channel.executeThenClose { inbound, outbound in
            try await body(ConsoleTestClient(inbound: inbound.makeAsyncIterator(), outbound: outbound))
        }
    }

    /// Sends `text` as is.
    func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// Sends `line` followed by `\r\n`.
    func sendLine(_ line: String) async throws {
        try await send(line + "\r\n")
    }

    /// Sends raw bytes.
    func send(bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Closes the sending side (the server sees end of input) while still reading.
    func finishSending() {
        outbound.finish()
    }

    /// The next line without its terminator, or `nil` once the server closed the connection.
    func readLine() async throws -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() } else { bareLineFeeds += 1 }
                return String(decoding: line, as: UTF8.self)
            }
            if sawEndOfInput { return nil }
            if let chunk = try await inbound.next() {
                pending += chunk.readableBytesView
            } else {
                sawEndOfInput = true
            }
        }
    }

    /// Sends `line` and returns the first line of the reply.
    func request(_ line: String) async throws -> String? {
        try await sendLine(line)
        return try await readLine()
    }

    /// Reads the lines of a multi-line reply up to (not including) the terminating `.`.
    func readBlock() async throws -> [String] {
        var lines: [String] = []
        while let line = try await readLine() {
            if line == "." { return lines }
            lines.append(line)
        }
        throw UnexpectedEndOfInput(linesSoFar: lines)
    }

    /// Reads every remaining line until the server closes the connection.
    func readUntilClosed() async throws -> [String] {
        var lines: [String] = []
        while let line = try await readLine() { lines.append(line) }
        return lines
    }

    /// Whether bytes that do not end a line are left after the server closed.
    var hasUnterminatedBytes: Bool { !pending.isEmpty }
}

/// The server closed before a multi-line reply ended.
struct UnexpectedEndOfInput: Error {
    var linesSoFar: [String]
}

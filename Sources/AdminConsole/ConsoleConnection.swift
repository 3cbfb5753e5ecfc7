import Logging
import NIOCore

/// Serves one client: reads lines, runs commands one at a time, writes replies, and closes politely.
struct ConsoleConnection: Sendable {
    typealias Channel = NIOAsyncChannel<ConsoleInboundEvent, ByteBuffer>

    /// How long a closing connection waits for the client to close its side after the last reply.
    static let lingerTime: TimeAmount = .seconds(1)
    static let shutdownReply = ConsoleReply.error(code: "SHUTDOWN", message: "server is shutting down")
    static let idleReply = ConsoleReply.error(code: "TIMEOUT", message: "idle timeout, closing")
    static let tooManyErrorsReply = ConsoleReply.error(code: "PROTOCOL", message: "too many invalid commands, closing")

    let channel: Channel
    let session: ConsoleSession
    let commands: ConsoleCommandSet
    let configuration: ConsoleConfiguration
    let logger: Logger

    init(
        channel: Channel,
        session: ConsoleSession,
        commands: ConsoleCommandSet,
        configuration: ConsoleConfiguration,
        logger: Logger
    ) {
        self.channel = channel
        self.session = session
        self.commands = commands
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "console.session"] = "\(session.id)"
        logger[metadataKey: "console.peer"] = "\(session.peer)"
        self.logger = logger
    }

    /// Runs until the client leaves or is closed; never throws.
    func run() async {
        logger.info("admin console client connected")
        do {
            try await channel.executeThenClose { inbound, outbound in
                var events = inbound.makeAsyncIterator()
                if try await serve(&events, outbound) {
                    await linger(&events)
                }
            }
        } catch {
            logger.debug("admin console client failed", metadata: ["error": "\(error)"])
        }
        logger.info("admin console client disconnected")
    }

    /// Answers events until the input ends (`false`) or the connection must close (`true`).
    private func serve(
        _ events: inout NIOAsyncChannelInboundStream<ConsoleInboundEvent>.AsyncIterator,
        _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws -> Bool {
        var invalidInARow = 0
        var lastReplyAt = NIODeadline.distantPast
        while let event = try await events.next() {
            switch event {
            case .line(let line):
                guard let dispatch = await commands.dispatch(line, session: session) else { continue }
                logger.info("admin console command", metadata: ["console.command": "\(dispatch.loggedName)"])
                invalidInARow = dispatch.isInvalid ? invalidInARow + 1 : 0
                try await send(dispatch.reply, outbound)
                lastReplyAt = .now()
                if dispatch.reply.closesConnection { return true }
                if invalidInARow >= configuration.maxConsecutiveErrors {
                    logger.notice("admin console client sent too many invalid commands")
                    try await send(Self.tooManyErrorsReply, outbound)
                    return true
                }
            case .violation(let violation):
                logger.notice("admin console client broke the protocol", metadata: ["console.violation": "\(violation)"])
                try await send(violation.reply, outbound)
                return true
            case .idle(let since):
                // Ignore idleness reported while a command was still running.
                guard since > lastReplyAt else { continue }
                logger.info("admin console client idle, closing")
                try await send(Self.idleReply, outbound)
                return true
            case .shutdown:
                try await send(Self.shutdownReply, outbound)
                return true
            }
        }
        return false
    }

    private func send(_ reply: ConsoleReply, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        try await outbound.write(ByteBuffer(string: reply.rendered))
    }

    /// Closes our side after the last reply, then reads (and drops) what the client still sends until it
    /// closes too, or `lingerTime` passes; closing with unread input would reset the connection and could
    /// destroy the reply.
    private func linger(_ events: inout NIOAsyncChannelInboundStream<ConsoleInboundEvent>.AsyncIterator) async {
        let channel = self.channel.channel
        let deadline = channel.eventLoop.scheduleTask(in: Self.lingerTime) { channel.close(promise: nil) }
        defer { deadline.cancel() }
        try? await channel.close(mode: .output).get()
        do {
            while try await events.next() != nil {}
        } catch {}
    }
}

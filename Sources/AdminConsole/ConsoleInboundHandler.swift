import NIOCore
import NIOExtras

/// Turns framed lines into `ConsoleInboundEvent`s: validates them, reports protocol violations,
/// idle clients and graceful shutdown as events, and drops all input after a violation or shutdown.
///
/// Sits right after `ByteToMessageHandler(LineBasedFrameDecoder(), maximumBufferSize:)`.
final class ConsoleInboundHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ConsoleInboundEvent
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let maxLineBytes: Int
    private let idleTimeout: TimeAmount?
    private let shutdownGracePeriod: TimeAmount
    /// Set once the client broke the protocol or shutdown began: further input is ignored.
    private var discarding = false
    private var shuttingDown = false
    private var lastActivity = NIODeadline.now()
    private var idleTimer: Scheduled<Void>?
    private var shutdownTimer: Scheduled<Void>?

    init(maxLineBytes: Int, idleTimeout: Duration?, shutdownGracePeriod: Duration) {
        self.maxLineBytes = maxLineBytes
        self.idleTimeout = idleTimeout.map { TimeAmount($0) }
        self.shutdownGracePeriod = TimeAmount(shutdownGracePeriod)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startIdleTimer(context: context) }
        // Shutdown closes the listening channel before telling the clients; a client whose pipeline was
        // still being set up then would miss the event, so catch up once the pipeline is complete.
        if let listener = context.channel.parent, !listener.isActive {
            context.eventLoop.assumeIsolated().execute { self.beginShutdown(context: context) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
    }

    func channelActive(context: ChannelHandlerContext) {
        startIdleTimer(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = .now()
        guard !discarding else { return }
        forward(line: unwrapInboundIn(data), context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        lastActivity = .now()
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case is ByteToMessageDecoderError.PayloadTooLargeError:
            violate(.lineTooLong(limit: maxLineBytes), context: context)
            context.fireChannelReadComplete()
        case let leftover as NIOExtrasErrors.LeftOverBytesError:
            // The client ended its input without a final newline: treat the rest as a last line.
            guard !discarding else { return }
            forward(line: leftover.leftOverBytes, context: context)
            context.fireChannelReadComplete()
        case let decoderError as ByteToMessageDecoderError:
            if case .dataReceivedInErrorState = decoderError { return }
            context.fireErrorCaught(error)
        default:
            context.fireErrorCaught(error)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        beginShutdown(context: context)
    }

    /// Reports graceful shutdown to the command loop once, and bounds how long the client may still take.
    private func beginShutdown(context: ChannelHandlerContext) {
        guard !shuttingDown, context.channel.isActive else { return }
        shuttingDown = true
        // A command in progress may finish; after the grace period the client is closed regardless.
        shutdownTimer = context.eventLoop.assumeIsolated().scheduleTask(in: shutdownGracePeriod) {
            context.close(promise: nil)
        }
        guard !discarding else { return }
        discarding = true
        context.fireChannelRead(wrapInboundOut(.shutdown))
        context.fireChannelReadComplete()
    }

    /// Passes a valid line on, or reports why it is not one.
    private func forward(line: ByteBuffer, context: ChannelHandlerContext) {
        let bytes = line.readableBytesView
        if bytes.count > maxLineBytes {
            violate(.lineTooLong(limit: maxLineBytes), context: context)
        } else if bytes.contains(0) {
            violate(.nulByte, context: context)
        } else if !Self.isValidUTF8(bytes) {
            violate(.invalidUTF8, context: context)
        } else {
            context.fireChannelRead(wrapInboundOut(.line(String(buffer: line))))
        }
    }

    private func violate(_ violation: ConsoleInboundEvent.Violation, context: ChannelHandlerContext) {
        guard !discarding else { return }
        discarding = true
        context.fireChannelRead(wrapInboundOut(.violation(violation)))
    }

    private func startIdleTimer(context: ChannelHandlerContext) {
        guard let idleTimeout, idleTimer == nil else { return }
        lastActivity = .now()
        scheduleIdleCheck(at: lastActivity + idleTimeout, context: context)
    }

    private func scheduleIdleCheck(at deadline: NIODeadline, context: ChannelHandlerContext) {
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.idleCheck(context: context)
        }
    }

    /// Reports an idle client (every `idleTimeout` while it stays idle), or closes one that stopped reading.
    private func idleCheck(context: ChannelHandlerContext) {
        idleTimer = nil
        guard let idleTimeout, context.channel.isActive else { return }
        let now = NIODeadline.now()
        if now < lastActivity + idleTimeout {
            scheduleIdleCheck(at: lastActivity + idleTimeout, context: context)
            return
        }
        if !context.channel.isWritable {
            // Replies are piling up unread: the client is gone or hostile.
            context.close(promise: nil)
            return
        }
        if !discarding {
            context.fireChannelRead(wrapInboundOut(.idle(now)))
            context.fireChannelReadComplete()
        }
        scheduleIdleCheck(at: now + idleTimeout, context: context)
    }

    private func cancelTimers() {
        idleTimer?.cancel()
        idleTimer = nil
        shutdownTimer?.cancel()
        shutdownTimer = nil
    }

    /// Whether `bytes` are well-formed UTF-8 (no overlong forms, surrogates or truncated sequences).
    static func isValidUTF8(_ bytes: ByteBufferView) -> Bool {
        if bytes.allSatisfy({ $0 < 0x80 }) { return true }
        let hadError = transcode(
            bytes.makeIterator(),
            from: UTF8.self,
            to: UTF32.self,
            stoppingOnError: true,
            into: { _ in }
        )
        return !hadError
    }
}

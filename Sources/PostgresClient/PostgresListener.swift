import Foundation
import Logging

/// Receives LISTEN/NOTIFY notifications on a dedicated connection served by a dedicated
/// thread (not the cooperative pool). Lost connections are re-established and the channels
/// LISTENed again; notifications sent while disconnected are lost.
public final class PostgresListener: Sendable {
    public let conninfo: String
    let logger: Logger

    public init(conninfo: String, logger: Logger) {
        self.conninfo = conninfo
        self.logger = logger
    }

    /// A stream of notifications on `channels` (quoted as identifiers, so case-sensitive).
    /// LISTEN starts in the background; use `listen(channels:)` to wait until it is active.
    /// Ending the stream (or cancelling its consumer) stops the thread and the connection.
    public func notifications(channels: [String]) -> AsyncThrowingStream<PostgresNotification, any Error> {
        start(channels: channels, onReady: nil)
    }

    /// Like `notifications(channels:)`, but returns only once LISTEN is active, and throws if
    /// the first connection fails.
    public func listen(channels: [String]) async throws -> AsyncThrowingStream<PostgresNotification, any Error> {
        let latch = ReadyLatch()
        let stream = start(channels: channels) { latch.signal($0) }
        try await latch.wait()
        return stream
    }

    private func start(
        channels: [String], onReady: (@Sendable ((any Error)?) -> Void)?
    ) -> AsyncThrowingStream<PostgresNotification, any Error> {
        let (stream, continuation) = AsyncThrowingStream<PostgresNotification, any Error>.makeStream()
        let loop = ListenerLoop(
            conninfo: conninfo, channels: channels, continuation: continuation,
            logger: logger, onReady: onReady)
        continuation.onTermination = { _ in loop.stop() }
        loop.start()
        return stream
    }

    /// A one-shot signal from the listener thread to the task waiting in `listen`.
    private final class ReadyLatch: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<Void, any Error>?
        private var waiter: CheckedContinuation<Void, any Error>?

        func signal(_ error: (any Error)?) {
            let result: Result<Void, any Error> = error.map { .failure($0) } ?? .success(())
            let waiter = lock.withLock { () -> CheckedContinuation<Void, any Error>? in
                guard self.result == nil else { return nil }
                self.result = result
                defer { self.waiter = nil }
                return self.waiter
            }
            waiter?.resume(with: result)
        }

        func wait() async throws {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let ready = lock.withLock { () -> Result<Void, any Error>? in
                    if result == nil { waiter = continuation }
                    return result
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }
}

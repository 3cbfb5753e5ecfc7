import CLibPQ
import Foundation
import Logging

/// The thread body behind `PostgresListener`: poll the socket, consume input, yield
/// notifications, reconnect after a loss, stop when the stream ends.
final class ListenerLoop: @unchecked Sendable {
    private let conninfo: String
    private let channels: [String]
    private let continuation: AsyncThrowingStream<PostgresNotification, any Error>.Continuation
    private let logger: Logger
    private let notices: NoticeLogger
    private let lock = NSLock()
    private var stopped = false
    private var onReady: (@Sendable ((any Error)?) -> Void)?

    /// Poll timeout: how quickly the thread notices that the stream ended.
    static let pollMilliseconds: Int32 = 200

    init(
        conninfo: String, channels: [String],
        continuation: AsyncThrowingStream<PostgresNotification, any Error>.Continuation,
        logger: Logger, onReady: (@Sendable ((any Error)?) -> Void)?
    ) {
        self.conninfo = conninfo
        self.channels = channels
        self.continuation = continuation
        self.logger = logger
        self.notices = NoticeLogger(logger: logger)
        self.onReady = onReady
    }

    func start() {
        let thread = Thread { self.run() }
        thread.name = "postgres-listener"
        thread.start()
    }

    func stop() { lock.withLock { stopped = true } }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func signalReady(_ error: (any Error)?) {
        let callback = lock.withLock { () -> (@Sendable ((any Error)?) -> Void)? in
            defer { onReady = nil }
            return onReady
        }
        callback?(error)
    }

    private func run() {
        var handle: OpaquePointer?
        var connectedOnce = false
        var failures = 0
        while !isStopped {
            guard let current = handle else {
                do {
                    handle = try connectAndListen()
                    connectedOnce = true
                    failures = 0
                    signalReady(nil)
                } catch {
                    if !connectedOnce {
                        signalReady(error)
                        continuation.finish(throwing: error)
                        return
                    }
                    failures += 1
                    logger.warning("postgres listener reconnect failed", metadata: ["error": "\(error)"])
                    sleep(milliseconds: min(5000, 100 << min(failures, 6)))
                }
                continue
            }
            if !pollOnce(current) {
                logger.warning("postgres listener connection lost; reconnecting")
                PQfinish(current)
                handle = nil
            }
        }
        if let handle { PQfinish(handle) }
        signalReady(CancellationError())
        continuation.finish()
    }

    /// Waits for input, delivers notifications; false when the connection is lost.
    private func pollOnce(_ handle: OpaquePointer) -> Bool {
        var fd = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let ready = poll(&fd, 1, Self.pollMilliseconds)
        if ready < 0 { return errno == EINTR }
        if ready == 0 { return PQstatus(handle) == CONNECTION_OK }
        guard PQconsumeInput(handle) == 1 else { return false }
        while let notify = PQnotifies(handle) {
            let n = notify.pointee
            continuation.yield(
                PostgresNotification(
                    channel: optionalString(n.relname) ?? "", payload: optionalString(n.extra) ?? "", pid: n.be_pid))
            PQfreemem(notify)
        }
        return PQstatus(handle) == CONNECTION_OK
    }

    private func connectAndListen() throws -> OpaquePointer {
        let handle = try PostgresConnection.openBlocking(conninfo, connectTimeout: .seconds(10), notices: notices)
        let sql = channels.map { "LISTEN \(PostgresQuery.quoteIdentifier($0))" }.joined(separator: "; ")
        if !sql.isEmpty {
            let result = PQexec(handle, sql)
            defer { PQclear(result) }
            guard let result, PQresultStatus(result) == PGRES_COMMAND_OK else {
                let error = PGResult.error(result, connection: handle, query: sql)
                PQfinish(handle)
                throw error
            }
        }
        return handle
    }

    private func sleep(milliseconds: Int) {
        var left = milliseconds
        while left > 0, !isStopped {
            usleep(UInt32(min(left, 100)) * 1000)
            left -= 100
        }
    }
}

import CLibPQ
import Foundation

extension PostgresConnection {
    /// Closes the connection (PQfinish). Idempotent; no round trip to the server.
    public func close() {
        finish()
    }

    private func finish() {
        lock.withLock {
            guard let handle else { return }
            cancelLock.withLock {
                if let cancelHandle { PQfreeCancel(cancelHandle) }
                cancelHandle = nil
            }
            PQfinish(handle)
            self.handle = nil
            statements.removeAll()
        }
    }

    /// Closes the connection on its thread pool, off the caller's executor (falls back to
    /// closing in place when the pool is already shut down).
    public func close() async {
        do {
            try await threadPool.runBlocking { self.finish() }
        } catch {
            finish()
        }
    }

    /// Whether the connection is closed, libpq reports it as bad, or the server announced
    /// (with a FATAL error) that it is closing it.
    public var isBroken: Bool {
        lock.withLock { handle.map { PQstatus($0) == CONNECTION_BAD } ?? true } || notices.receivedFatal
    }

    /// Whether the connection is open, idle outside a transaction and its socket shows no
    /// sign of a closed server end. Non-blocking (reads only what is already available);
    /// the pool calls it on its thread pool before handing out an idle connection.
    public func isHealthy() -> Bool {
        lock.withLock {
            guard let handle, PQstatus(handle) == CONNECTION_OK,
                PQtransactionStatus(handle) == PQTRANS_IDLE
            else { return false }
            let socket = PQsocket(handle)
            guard socket >= 0 else { return false }
            for _ in 0..<4 {
                var fd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                let ready = poll(&fd, 1, 0)
                if ready < 0 { return false }
                if ready == 0 { break }
                if fd.revents & Int16(POLLERR | POLLNVAL) != 0 { return false }
                // Readable while idle: an EOF, a FATAL termination notice, or a notice.
                if PQconsumeInput(handle) == 0 { return false }
                _ = PQisBusy(handle)
                while let notify = PQnotifies(handle) { PQfreemem(notify) }
            }
            return PQstatus(handle) == CONNECTION_OK && !notices.receivedFatal
        }
    }

    /// libpq's transaction status (`PQTRANS_IDLE`, ...); UNKNOWN when closed.
    var transactionStatus: PGTransactionStatusType {
        lock.withLock { handle.map { PQtransactionStatus($0) } ?? PQTRANS_UNKNOWN }
    }

    /// The number of statements in the prepared-statement cache.
    public var preparedStatementCount: Int { lock.withLock { statements.count } }
}

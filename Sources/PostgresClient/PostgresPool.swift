import CLibPQ
import Logging
import Metrics
import NIOPosix
import ServiceLifecycle

/// A bounded pool of `PostgresConnection`s, run as a `Service`.
///
/// At most `size` connections exist; they are opened lazily. Waiters are served FIFO and give
/// up with `PostgresError.Kind.busy` after `acquireTimeout`. All blocking libpq work runs on the
/// pool's own `threadPool` (`size + 1` threads).
public actor PostgresPool: Service {
    public nonisolated let configuration: Configuration
    /// The threads on which every blocking libpq call of this pool's connections runs.
    public nonisolated let threadPool: NIOThreadPool
    nonisolated let logger: Logger

    private var idle: [PostgresConnection] = []
    private var permits: Int
    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0
    private var isClosed = false
    private var closeTask: Task<Void, Never>?

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
        var timeout: Task<Void, Never>?
    }

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.permits = configuration.size
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.size + 1)
        threadPool.start()
    }

    // MARK: - Public API

    /// Lends a connection to `body` and takes it back afterwards (rolling back a transaction
    /// left open, discarding a broken connection). Throws `.busy` if none frees up in time.
    public nonisolated(nonsending) func withConnection<T: Sendable>(
        _ body: nonisolated(nonsending) (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await checkout()
        let value: T
        do {
            value = try await body(connection)
        } catch {
            await checkin(connection)
            throw error
        }
        await checkin(connection)
        return value
    }

    /// Runs `body` in a transaction on a pooled connection.
    public nonisolated(nonsending) func withTransaction<T: Sendable>(
        isolation: PostgresConnection.IsolationLevel = .readCommitted,
        _ body: nonisolated(nonsending) (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            try await connection.withTransaction(isolation: isolation, body)
        }
    }

    /// Runs one statement on a pooled connection.
    public nonisolated func query(_ query: PostgresQuery, prepared: Bool = false) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query, prepared: prepared) }
    }

    /// A LISTEN/NOTIFY listener using this pool's connection string (its own connection).
    public nonisolated func listener() -> PostgresListener {
        PostgresListener(conninfo: configuration.conninfo, logger: logger)
    }

    /// The current pool state.
    public var statistics: Statistics {
        Statistics(idle: idle.count, inUse: configuration.size - permits, waiting: waiters.count)
    }

    /// Waits for graceful shutdown, then closes the pool.
    public nonisolated func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Refuses new acquires, waits (up to `shutdownTimeout`) for connections in use,
    /// closes every connection and stops the thread pool. Idempotent.
    public func close() async {
        if closeTask == nil {
            isClosed = true
            let pending = waiters
            waiters.removeAll()
            for waiter in pending {
                waiter.timeout?.cancel()
                waiter.continuation.resume(throwing: Self.closedError)
            }
            closeTask = Task { await self.finishClose() }
        }
        await closeTask?.value
    }

    // MARK: - Checkout / checkin

    private nonisolated func checkout() async throws -> PostgresConnection {
        try await acquirePermit()
        do {
            while let connection = await popIdle() {
                let healthy = (try? await threadPool.runBlocking { connection.isHealthy() }) ?? false
                if healthy { return connection }
                logger.info(
                    "discarding unhealthy idle postgres connection",
                    metadata: ["backend_pid": "\(connection.backendPID)"])
                await discard(connection)
            }
            return try await PostgresConnection.connect(
                configuration.conninfo, threadPool: threadPool, logger: logger,
                connectTimeout: configuration.connectTimeout,
                statementCacheSize: configuration.statementCacheSize)
        } catch {
            await releasePermit()
            throw error
        }
    }

    private nonisolated func checkin(_ connection: PostgresConnection) async {
        let reusable = (try? await threadPool.runBlocking { self.resetForReuse(connection) }) ?? false
        if !reusable { await discard(connection) }
        await putBack(reusable ? connection : nil)
    }

    /// Blocking: whether the connection can go back to the idle list (rolls back a
    /// transaction left open).
    private nonisolated func resetForReuse(_ connection: PostgresConnection) -> Bool {
        if connection.isBroken { return false }
        switch connection.transactionStatus {
        case PQTRANS_IDLE:
            return true
        case PQTRANS_INTRANS, PQTRANS_INERROR:
            logger.warning("postgres connection returned inside a transaction; rolling back")
            let rolledBack =
                (try? connection.withHandle(query: "ROLLBACK") { handle in
                    try connection.takeResult(PQexec(handle, "ROLLBACK"), handle, sql: "ROLLBACK")
                }) != nil
            return rolledBack && !connection.isBroken && connection.transactionStatus == PQTRANS_IDLE
        default:
            return false
        }
    }

    private nonisolated func discard(_ connection: PostgresConnection) async {
        await connection.close()
    }

    // MARK: - Actor state

    private func popIdle() -> PostgresConnection? { idle.popLast() }

    private func putBack(_ connection: PostgresConnection?) async {
        if let connection {
            if isClosed {
                await discard(connection)
            } else {
                idle.append(connection)
            }
        }
        releasePermit()
    }

    private func acquirePermit() async throws {
        if isClosed { throw Self.closedError }
        if permits > 0, waiters.isEmpty {
            permits -= 1
            return
        }
        nextWaiterID += 1
        let id = nextWaiterID
        Self.waits.increment()
        let timeout = configuration.acquireTimeout
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    if await self?.expireWaiter(id, error: Self.busyError(timeout)) == true { Self.timeouts.increment() }
                }
                waiters.append(Waiter(id: id, continuation: continuation, timeout: timer))
            }
        } onCancel: {
            Task { await self.expireWaiter(id, error: CancellationError()) }
        }
    }

    /// Fails the waiter `id` with `error`; false when it was served or gone already.
    @discardableResult
    private func expireWaiter(_ id: UInt64, error: any Error) -> Bool {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return false }
        let waiter = waiters.remove(at: index)
        waiter.timeout?.cancel()
        waiter.continuation.resume(throwing: error)
        return true
    }

    /// Acquires that had to wait for a connection, and those that gave up waiting (busy).
    static let waits = Counter(label: "crm_db_pool_waits_total")
    static let timeouts = Counter(label: "crm_db_pool_timeouts_total")

    /// Hands the permit to the first waiter, or returns it to the pool.
    private func releasePermit() {
        if !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            waiter.timeout?.cancel()
            waiter.continuation.resume()
        } else {
            permits += 1
        }
    }

    private func finishClose() async {
        let deadline = ContinuousClock.now + configuration.shutdownTimeout
        while permits < configuration.size, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if permits < configuration.size {
            logger.warning(
                "closing postgres pool with connections still in use",
                metadata: ["in_use": "\(configuration.size - permits)"])
        }
        let connections = idle
        idle.removeAll()
        for connection in connections { await discard(connection) }
        try? await threadPool.shutdownGracefully()
        logger.debug("postgres pool closed")
    }

    // MARK: - Errors

    static let closedError = PostgresError(kind: .connectionLost, message: "database pool is closed")

    static func busyError(_ timeout: Duration) -> PostgresError {
        PostgresError(kind: .busy, message: "database busy: no connection free within \(format(timeout))")
    }

    /// "5 s", "0.3 s".
    static func format(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if ms % 1000 == 0 { return "\(ms / 1000) s" }
        let tenths = Double(ms) / 1000
        return "\(tenths) s"
    }
}

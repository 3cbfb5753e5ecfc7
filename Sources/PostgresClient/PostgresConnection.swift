import CLibPQ
import Foundation
import Logging
import NIOPosix

/// One libpq connection. Every blocking libpq call runs on `threadPool`.
///
/// A connection runs one statement at a time; calls are serialized by a lock, but a
/// transaction or COPY must not be interleaved with other work (the pool guarantees this).
public final class PostgresConnection: @unchecked Sendable {
    /// The thread pool on which this connection's blocking calls run.
    public let threadPool: NIOThreadPool
    /// The server process id serving this connection.
    public let backendPID: Int32
    let logger: Logger
    /// Receives libpq notices; must live as long as `handle`.
    private let notices: NoticeLogger

    /// Guards `handle` and `statements`; held for the duration of each libpq operation.
    private let lock = NSLock()
    private var handle: OpaquePointer?
    private var statements: PreparedStatementCache

    /// Guards `cancelHandle` and `runningGeneration`.
    private let cancelLock = NSLock()
    private var cancelHandle: OpaquePointer?
    private var runningGeneration: UInt64 = 0
    private var generationCounter: UInt64 = 0

    /// Session settings applied right after connecting, in one round trip.
    static let sessionSetup = "SET client_encoding TO 'UTF8'; SET DateStyle TO 'ISO'; "
        + "SET TimeZone TO 'UTC'; SET IntervalStyle TO 'iso_8601'"

    init(handle: OpaquePointer, notices: NoticeLogger, threadPool: NIOThreadPool, logger: Logger,
         statementCacheSize: Int) {
        self.handle = handle
        self.notices = notices
        self.threadPool = threadPool
        self.logger = logger
        self.backendPID = PQbackendPID(handle)
        self.cancelHandle = PQgetCancel(handle)
        self.statements = PreparedStatementCache(capacity: statementCacheSize)
    }

    deinit {
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        if let handle { PQfinish(handle) }
    }

    /// Opens a connection. `conninfo` is a `postgresql://` URL or a `key=value` string.
    public static func connect(
        _ conninfo: String, threadPool: NIOThreadPool, logger: Logger,
        connectTimeout: Duration? = nil, statementCacheSize: Int = 100
    ) async throws -> PostgresConnection {
        try await threadPool.runBlocking {
            let notices = NoticeLogger(logger: logger)
            let handle = try openBlocking(conninfo, connectTimeout: connectTimeout, notices: notices)
            let connection = PostgresConnection(handle: handle, notices: notices, threadPool: threadPool,
                                                logger: logger, statementCacheSize: statementCacheSize)
            logger.debug("postgres connection opened", metadata: ["backend_pid": "\(connection.backendPID)"])
            return connection
        }
    }

    /// Blocking connect + session setup; returns an OK handle or throws (finishing the handle).
    /// `notices` must outlive the returned handle.
    static func openBlocking(_ conninfo: String, connectTimeout: Duration?, notices: NoticeLogger) throws -> OpaquePointer {
        var keys: [String?] = ["dbname", "fallback_application_name"]
        var values: [String?] = [conninfo, "pgclient"]
        if let connectTimeout {
            keys.append("connect_timeout")
            values.append(String(max(2, connectTimeout.components.seconds)))
        }
        let handle = withCStringArray(keys) { k in withCStringArray(values) { v in PQconnectdbParams(k, v, 1) } }
        guard let handle else {
            throw PostgresError(kind: .connectionLost, message: "could not connect: out of memory")
        }
        notices.install(on: handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = optionalString(PQerrorMessage(handle)).map(PGResult.trimmed) ?? "unknown error"
            PQfinish(handle)
            throw PostgresError(kind: .connectionLost, message: "could not connect: \(message)")
        }
        let result = PQexec(handle, sessionSetup)
        defer { PQclear(result) }
        guard let result, PQresultStatus(result) == PGRES_COMMAND_OK else {
            let error = PGResult.error(result, connection: handle, query: sessionSetup)
            PQfinish(handle)
            throw error
        }
        return handle
    }

    // MARK: - Queries

    /// Runs one statement with bound parameters and returns all rows.
    /// With `prepared: true` the statement is prepared once per connection (cached by SQL
    /// text and parameter types) and executed by name afterwards.
    /// Cancelling the calling task sends a cancel request to the server.
    public func query(_ query: PostgresQuery, prepared: Bool = false) async throws -> PostgresRows {
        try Task.checkCancellation()
        let generation = cancelLock.withLock { generationCounter += 1; return generationCounter }
        return try await withTaskCancellationHandler {
            try await threadPool.runBlocking {
                try self.withHandle(query: query.sql) { handle in
                    self.cancelLock.withLock { self.runningGeneration = generation }
                    defer { self.cancelLock.withLock { self.runningGeneration = 0 } }
                    return try self.executeBlocking(handle, query, prepared: prepared)
                }
            }
        } onCancel: {
            self.requestCancel(generation: generation)
        }
    }

    /// Runs trusted multi-statement SQL (such as a migration file) with the simple protocol.
    /// Every result is read; the first error is thrown.
    public func execute(script: String) async throws {
        try await threadPool.runBlocking {
            try self.withHandle(query: script) { handle in
                guard PQsendQuery(handle, script) == 1 else {
                    throw PGResult.connectionError(handle, query: script)
                }
                if let error = PGResult.drain(handle, query: script) { throw error }
            }
        }
    }

    /// Runs a parameterless control statement (BEGIN, COMMIT, ...) without cancellation.
    func command(_ sql: String) async throws {
        _ = try await threadPool.runBlocking {
            try self.withHandle(query: sql) { handle in
                try self.takeResult(PQexec(handle, sql), handle, sql: sql)
            }
        }
    }

    // MARK: - State

    /// Closes the connection (PQfinish). Idempotent; no round trip to the server.
    public func close() {
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

    // MARK: - Internals

    /// Runs `body` with the open handle while holding the connection lock.
    func withHandle<R>(query: String?, _ body: (OpaquePointer) throws -> R) throws -> R {
        try lock.withLock {
            guard let handle else {
                throw PostgresError(kind: .connectionLost, message: "connection is closed", query: query)
            }
            return try body(handle)
        }
    }

    /// Converts a result into rows or an error; clears it.
    func takeResult(_ result: OpaquePointer?, _ handle: OpaquePointer, sql: String) throws -> PostgresRows {
        guard let result else { throw PGResult.connectionError(handle, query: sql) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PGResult.rows(result)
        case PGRES_COPY_IN, PGRES_COPY_OUT:
            // The server is now in COPY mode: end it so the connection stays usable.
            throw PGResult.drain(handle, query: sql)
                ?? PostgresError(kind: .other, message: "COPY is only supported through copyIn", query: sql)
        default:
            let error = PGResult.error(result, connection: handle, query: sql)
            logger.debug("postgres statement failed", metadata: [
                "sqlstate": "\(error.sqlState ?? "-")", "kind": "\(error.kind.rawValue)",
            ])
            if error.kind == .connectionLost { statements.removeAll() }
            throw error
        }
    }

    private func executeBlocking(_ handle: OpaquePointer, _ query: PostgresQuery, prepared: Bool) throws -> PostgresRows {
        for (i, binding) in query.bindings.enumerated() where binding.text?.utf8.contains(0) == true {
            throw PostgresError(kind: .other, message: "parameter $\(i + 1) contains a NUL character",
                                query: query.sql)
        }
        let types = query.bindings.map { Oid($0.type.rawValue) }
        let count = Int32(query.bindings.count)
        return try withCStringArray(query.bindings.map(\.text)) { values in
            try types.withUnsafeBufferPointer { typePointer in
                guard prepared else {
                    let result = PQexecParams(handle, query.sql, count, typePointer.baseAddress, values, nil, nil, 0)
                    return try takeResult(result, handle, sql: query.sql)
                }
                let key = PreparedStatementCache.Key(sql: query.sql, types: types)
                for attempt in 0..<2 {
                    let name = try preparedName(handle, key: key, count: count, types: typePointer.baseAddress)
                    do {
                        let result = PQexecPrepared(handle, name, count, values, nil, nil, 0)
                        return try takeResult(result, handle, sql: query.sql)
                    } catch let error as PostgresError {
                        // 26000: the statement vanished (DISCARD ALL); 0A000: cached plan is stale.
                        guard error.sqlState == "26000" || error.sqlState == "0A000" else { throw error }
                        statements.remove(key)
                        if attempt == 1 || PQtransactionStatus(handle) != PQTRANS_IDLE { throw error }
                    }
                }
                preconditionFailure("unreachable")
            }
        }
    }

    /// The server-side name for `key`, preparing it on first use.
    private func preparedName(_ handle: OpaquePointer, key: PreparedStatementCache.Key, count: Int32,
                              types: UnsafePointer<Oid>?) throws -> String {
        if let name = statements.lookup(key) { return name }
        let name = statements.makeName()
        _ = try takeResult(PQprepare(handle, name, key.sql, count, types), handle, sql: key.sql)
        if let evicted = statements.insert(key, name: name) {
            let sql = "DEALLOCATE \(PostgresQuery.quoteIdentifier(evicted))"
            _ = try? takeResult(PQexec(handle, sql), handle, sql: sql)
        }
        return name
    }

    /// Sends a cancel request (on the thread pool) if statement `generation` is still running.
    private func requestCancel(generation: UInt64) {
        threadPool.submit { state in
            guard case .active = state else { return }
            self.cancelLock.withLock {
                guard self.runningGeneration == generation, let cancel = self.cancelHandle else { return }
                var buffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(cancel, &buffer, Int32(buffer.count))
            }
        }
    }
}

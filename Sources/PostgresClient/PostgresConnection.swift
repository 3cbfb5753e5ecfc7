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
    let notices: NoticeLogger

    /// Guards `handle` and `statements`; held for the duration of each libpq operation.
    let lock = NSLock()
    var handle: OpaquePointer?
    var statements: PreparedStatementCache

    /// Guards `cancelHandle` and `runningGeneration`.
    let cancelLock = NSLock()
    var cancelHandle: OpaquePointer?
    var runningGeneration: UInt64 = 0
    /// The query whose task was cancelled before its statement was sent (it is then not sent).
    var cancelledGeneration: UInt64 = 0
    var generationCounter: UInt64 = 0

    /// Session settings applied right after connecting, in one round trip.
    static let sessionSetup =
        "SET client_encoding TO 'UTF8'; SET DateStyle TO 'ISO'; "
        + "SET TimeZone TO 'UTC'; SET IntervalStyle TO 'iso_8601'"

    init(
        handle: OpaquePointer, notices: NoticeLogger, threadPool: NIOThreadPool, logger: Logger,
        statementCacheSize: Int
    ) {
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
            let connection = PostgresConnection(
                handle: handle, notices: notices, threadPool: threadPool,
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
            logger.debug(
                "postgres statement failed",
                metadata: [
                    "sqlstate": "\(error.sqlState ?? "-")", "kind": "\(error.kind.rawValue)",
                ])
            if error.kind == .connectionLost { statements.removeAll() }
            throw error
        }
    }
}

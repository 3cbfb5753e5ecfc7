extension PostgresPool {
    /// Pool settings.
    public struct Configuration: Sendable {
        /// libpq connection string (`postgresql://...` URL or `key=value` pairs).
        public var conninfo: String
        /// Maximum number of open connections.
        public var size: Int
        /// How long `withConnection` waits for a free connection before throwing `.busy`.
        public var acquireTimeout: Duration
        /// libpq `connect_timeout` for new connections (whole seconds, at least 2).
        public var connectTimeout: Duration
        /// How long `close()` waits for connections in use to come back.
        public var shutdownTimeout: Duration
        /// Prepared statements cached per connection.
        public var statementCacheSize: Int

        public init(
            conninfo: String, size: Int = 10, acquireTimeout: Duration = .seconds(5),
            connectTimeout: Duration = .seconds(10), shutdownTimeout: Duration = .seconds(10),
            statementCacheSize: Int = 100
        ) {
            self.conninfo = conninfo
            self.size = max(1, size)
            self.acquireTimeout = acquireTimeout
            self.connectTimeout = connectTimeout
            self.shutdownTimeout = shutdownTimeout
            self.statementCacheSize = statementCacheSize
        }
    }

    /// A snapshot of the pool's state.
    public struct Statistics: Sendable, Hashable {
        /// Open connections waiting in the pool.
        public var idle: Int
        /// Connections (or connection slots) handed out.
        public var inUse: Int
        /// Tasks waiting for a connection.
        public var waiting: Int

        public init(idle: Int, inUse: Int, waiting: Int) {
            self.idle = idle
            self.inUse = inUse
            self.waiting = waiting
        }
    }
}

/// Where and how the admin console listens, and the limits it applies to each client.
public struct ConsoleConfiguration: Sendable {
    /// The host (IP address or name) to listen on; ignored when `unixSocketPath` is set.
    public var host: String
    /// The TCP port to listen on (`0` picks a free port); ignored when `unixSocketPath` is set.
    public var port: Int
    /// When set, listen on this unix domain socket instead of TCP.
    ///
    /// A stale socket file left by a previous run is removed first (a live one is an error); the file is
    /// made owner-only (`0600`) and removed again when the server stops.
    public var unixSocketPath: String?
    /// The longest accepted line in bytes; a longer line is answered with `LINE_TOO_LONG` and the client is closed.
    public var maxLineBytes: Int
    /// How long a client may stay silent before it is closed; `nil` never closes idle clients.
    public var idleTimeout: Duration?
    /// How many invalid commands in a row (unknown or malformed) a client may send before it is closed.
    public var maxConsecutiveErrors: Int
    /// How long a graceful shutdown waits for a client's command in progress before closing it anyway.
    public var shutdownGracePeriod: Duration

    /// Creates a configuration; the defaults listen on `127.0.0.1:7070`.
    public init(
        host: String = "127.0.0.1",
        port: Int = 7070,
        unixSocketPath: String? = nil,
        maxLineBytes: Int = 65536,
        idleTimeout: Duration? = .seconds(600),
        maxConsecutiveErrors: Int = 10,
        shutdownGracePeriod: Duration = .seconds(30)
    ) {
        precondition(maxLineBytes > 0, "maxLineBytes must be positive")
        precondition(maxConsecutiveErrors > 0, "maxConsecutiveErrors must be positive")
        self.host = host
        self.port = port
        self.unixSocketPath = unixSocketPath
        self.maxLineBytes = maxLineBytes
        self.idleTimeout = idleTimeout
        self.maxConsecutiveErrors = maxConsecutiveErrors
        self.shutdownGracePeriod = shutdownGracePeriod
    }

    /// The listening address as shown in logs and errors: `host:port`, `[v6]:port`, or the socket path.
    public var displayAddress: String {
        if let unixSocketPath { return unixSocketPath }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle

/// The admin console: a line-protocol server (TCP or unix socket) answering registered commands.
///
/// Run it as a swift-service-lifecycle `Service`. On graceful shutdown it stops accepting, lets
/// commands in progress finish, tells idle clients `-ERR SHUTDOWN server is shutting down` and closes them.
public final class AdminConsoleServer: Service {
    typealias ClientChannel = NIOAsyncChannel<ConsoleInboundEvent, ByteBuffer>
    typealias ListeningChannel = NIOAsyncChannel<ClientChannel, Never>

    /// Where and how the server listens.
    public let configuration: ConsoleConfiguration
    /// The commands clients can run.
    public let commands: ConsoleCommandSet
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    private let listening: EventLoopPromise<SocketAddress>

    /// Creates a server; nothing happens until `run()`.
    public init(
        configuration: ConsoleConfiguration = ConsoleConfiguration(),
        commands: ConsoleCommandSet = ConsoleCommandSet(),
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.commands = commands
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.listening = eventLoopGroup.next().makePromise(of: SocketAddress.self)
    }

    deinit {
        listening.fail(AdminConsoleError.stoppedBeforeListening)
    }

    /// The address the server listens on, once it does (useful with port `0`).
    ///
    /// Throws the bind error if `run()` could not listen.
    public func waitUntilListening() async throws -> SocketAddress {
        try await listening.futureResult.get()
    }

    /// Listens and serves clients until graceful shutdown (or cancellation); call it once.
    ///
    /// - Throws: `AdminConsoleError.bindFailed` when the socket cannot be opened.
    public func run() async throws {
        let quiescing = ServerQuiescingHelper(group: eventLoopGroup)
        let server: ListeningChannel
        do {
            server = try await bind(quiescing: quiescing)
        } catch {
            logger.error("admin console failed to start", metadata: ["error": "\(error)"])
            listening.fail(error)
            throw error
        }
        guard let address = server.channel.localAddress else {
            try? await server.channel.close()
            let error = AdminConsoleError.bindFailed(
                address: configuration.displayAddress,
                reason: "the socket has no local address"
            )
            listening.fail(error)
            throw error
        }
        listening.succeed(address)
        logger.info("admin console listening", metadata: ["console.address": "\(Self.display(address))"])
        let logger = self.logger
        try await withGracefulShutdownHandler {
            try await self.serve(server)
        } onGracefulShutdown: {
            logger.info("admin console shutting down")
            quiescing.initiateShutdown(promise: nil)
        }
        logger.info("admin console stopped")
    }

    /// Accepts clients, each served in its own child task, until the listening socket closes.
    private func serve(_ server: ListeningChannel) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { clients in
                var lastSessionID: UInt64 = 0
                for try await client in clients {
                    lastSessionID += 1
                    let connection = ConsoleConnection(
                        channel: client,
                        session: ConsoleSession(id: lastSessionID, peer: Self.peer(of: client.channel)),
                        commands: commands,
                        configuration: configuration,
                        logger: logger
                    )
                    group.addTask { await connection.run() }
                }
            }
        }
    }

    /// `host:port`, `[v6]:port` or the socket path.
    static func display(_ address: SocketAddress) -> String {
        switch address {
        case .v4, .v6:
            let ip = address.ipAddress ?? "?"
            let host = ip.contains(":") ? "[\(ip)]" : ip
            return "\(host):\(address.port ?? 0)"
        case .unixDomainSocket:
            return address.pathname ?? "unix socket"
        }
    }

    /// The client's IP address, or `local` for unix socket clients.
    static func peer(of channel: any Channel) -> String {
        if case .some(.unixDomainSocket) = channel.localAddress { return "local" }
        return channel.remoteAddress?.ipAddress ?? "unknown"
    }
}

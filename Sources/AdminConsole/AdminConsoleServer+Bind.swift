import NIOCore
import NIOExtras
import NIOPosix

extension AdminConsoleServer {
    /// Opens the listening socket with the client pipeline:
    /// line framing (bounded by `maxLineBytes`), then validation, then the async channel.
    func bind(quiescing: ServerQuiescingHelper) async throws -> ListeningChannel {
        let configuration = self.configuration
        // Accept errors such as EMFILE are absorbed by NIO's AcceptBackoffHandler and do not end the stream.
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        quiescing.makeServerChannelHandler(channel: channel)
                    )
                }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        let initializeClient: @Sendable (any Channel) -> EventLoopFuture<ClientChannel> = { channel in
            channel.eventLoop.makeCompletedFuture {
                // The decoder alone has no limit; the buffer cap stops a line that never ends (+1 for its CR),
                // and ConsoleInboundHandler checks each complete line, which may arrive in one larger read.
                try channel.pipeline.syncOperations.addHandler(
                    ByteToMessageHandler(LineBasedFrameDecoder(), maximumBufferSize: configuration.maxLineBytes + 1)
                )
                try channel.pipeline.syncOperations.addHandler(
                    ConsoleInboundHandler(
                        maxLineBytes: configuration.maxLineBytes,
                        idleTimeout: configuration.idleTimeout,
                        shutdownGracePeriod: configuration.shutdownGracePeriod
                    )
                )
                return try ClientChannel(wrappingChannelSynchronously: channel)
            }
        }

        let address = configuration.displayAddress
        do {
            guard let path = configuration.unixSocketPath else {
                return try await bootstrap.bind(
                    host: configuration.host,
                    port: configuration.port,
                    childChannelInitializer: initializeClient
                )
            }
            if await UnixSocketFile.isLive(path, group: eventLoopGroup) {
                throw AdminConsoleError.bindFailed(address: address, reason: "address already in use")
            }
            let server = try await bootstrap.bind(
                unixDomainSocketPath: path,
                cleanupExistingSocketFile: true,
                childChannelInitializer: initializeClient
            )
            do {
                try UnixSocketFile.restrictToOwner(path)
            } catch {
                try? await server.channel.close()
                throw error
            }
            return server
        } catch let error as AdminConsoleError {
            throw error
        } catch {
            throw AdminConsoleError.bindFailed(address: address, reason: BindErrorDescription.reason(for: error))
        }
    }
}

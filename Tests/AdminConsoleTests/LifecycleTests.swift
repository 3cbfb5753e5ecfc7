import AdminConsole
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Server lifecycle")
struct LifecycleTests {
    @Test func gracefulShutdownClosesIdleClientsQuickly() async throws {
        var shutdownStarted = ContinuousClock.now
        try await withConsole(shutdownTimeout: .seconds(3)) { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request("PING") == "+PONG")
                shutdownStarted = ContinuousClock.now
                await console.group.triggerGracefulShutdown()
                #expect(try await client.readLine() == "-ERR SHUTDOWN server is shutting down")
                #expect(try await client.readLine() == nil)
            }
        }
        #expect(ContinuousClock.now - shutdownStarted < .seconds(3))
    }

    @Test func gracefulShutdownLetsTheCommandInProgressFinish() async throws {
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        var commands = ConsoleCommandSet()
        commands.register(
            ConsoleCommand("SLOW", summary: "Takes a while") { _, _ in
                startedContinuation.yield()
                try? await Task.sleep(for: .milliseconds(500))
                return .ok("done")
            })
        try await withConsole(commands: commands, shutdownTimeout: .seconds(5)) { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                try await client.sendLine("SLOW")
                var iterator = started.makeAsyncIterator()
                _ = await iterator.next()
                await console.group.triggerGracefulShutdown()
                #expect(try await client.readUntilClosed() == ["+OK done", "-ERR SHUTDOWN server is shutting down"])
            }
        }
    }

    @Test func newConnectionsAreRefusedAfterShutdown() async throws {
        var address: SocketAddress?
        try await withConsole { console in address = console.address }
        let stoppedAddress = try #require(address)
        await #expect(throws: (any Error).self) {
            try await ConsoleTestClient.connect(to: stoppedAddress, deadline: .seconds(2)) { client throws in
                _ = try await client.request("PING")
            }
        }
    }

    @Test func secondServerOnTheSamePortFailsToBind() async throws {
        try await withConsole { console throws in
            let port = console.port
            let second = AdminConsoleServer(
                configuration: ConsoleConfiguration(host: "127.0.0.1", port: port),
                logger: testLogger
            )
            let expected = AdminConsoleError.bindFailed(address: "127.0.0.1:\(port)", reason: "address already in use")
            await #expect(throws: expected) { try await second.run() }
            await #expect(throws: expected) { try await second.waitUntilListening() }
            #expect(expected.description == "cannot listen on 127.0.0.1:\(port) for the admin console: address already in use")
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request("PING") == "+PONG")
            }
        }
    }

    @Test func unresolvableHostFailsToBindWithAClearReason() async throws {
        let server = AdminConsoleServer(
            configuration: ConsoleConfiguration(host: "no-such-host.invalid", port: 0),
            logger: testLogger
        )
        let error = await #expect(throws: AdminConsoleError.self) { try await server.run() }
        #expect(error?.description.hasPrefix("cannot listen on no-such-host.invalid:0 for the admin console: ") == true)
    }

    @Test func unixSocketAnswersPing() async throws {
        let path = temporarySocketPath()
        var commands = ConsoleCommandSet()
        commands.register(ConsoleCommand("WHOAMI") { _, session in .ok(session.peer) })
        try await withConsole(ConsoleConfiguration(unixSocketPath: path), commands: commands) { console throws in
            #expect(console.address.pathname == path)
            #expect(fileMode(path) == 0o600)
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request("PING") == "+PONG")
                #expect(try await client.request("WHOAMI") == "+OK local")
                #expect(try await client.request("QUIT") == "+OK bye")
                #expect(try await client.readLine() == nil)
            }
        }
        #expect(fileMode(path) == nil, "the socket file is removed on shutdown")
    }

    @Test func unixSocketReplacesAStaleSocketFile() async throws {
        let path = temporarySocketPath()
        try makeStaleSocketFile(at: path)
        #expect(fileMode(path) != nil, "a socket file nobody listens on")
        try await withConsole(ConsoleConfiguration(unixSocketPath: path)) { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request("PING") == "+PONG")
            }
        }
    }

    @Test func unixSocketInUseIsNotStolen() async throws {
        let path = temporarySocketPath()
        try await withConsole(ConsoleConfiguration(unixSocketPath: path)) { console throws in
            let second = AdminConsoleServer(configuration: ConsoleConfiguration(unixSocketPath: path), logger: testLogger)
            await #expect(throws: AdminConsoleError.bindFailed(address: path, reason: "address already in use")) {
                try await second.run()
            }
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request("PING") == "+PONG")
            }
        }
    }
}

/// A fresh socket path under /tmp (short enough for `sun_path`).
private func temporarySocketPath() -> String {
    "/tmp/crm-console-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
}

/// Binds a unix socket at `path` and closes it without removing the file, as a crashed server would.
private func makeStaleSocketFile(at path: String) throws {
    #if canImport(Glibc)
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_UNIX, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw StaleSocketError(step: "socket") }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let pathBytes = Array(path.utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        buffer.copyBytes(from: pathBytes.prefix(buffer.count - 1))
    }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    guard result == 0 else { throw StaleSocketError(step: "bind") }
}

private struct StaleSocketError: Error {
    var step: String
}

/// The permission bits of the file at `path`, or `nil` if there is none.
private func fileMode(_ path: String) -> mode_t? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o777
}

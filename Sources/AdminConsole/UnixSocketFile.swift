import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system chores around the console's unix domain socket.
enum UnixSocketFile {
    /// Whether a server is accepting connections on the socket at `path` (a leftover file is not live).
    static func isLive(_ path: String, group: any EventLoopGroup) async -> Bool {
        guard access(path, F_OK) == 0 else { return false }
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(1))
                .connect(unixDomainSocketPath: path)
                .get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }

    /// Makes the socket reachable by its owner only: whoever can connect is an administrator.
    static func restrictToOwner(_ path: String) throws {
        guard chmod(path, 0o600) == 0 else {
            throw IOError(errnoCode: errno, reason: "chmod")
        }
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, its output (stdout and stderr) going to a file.
///
/// Output goes to a file, not a pipe: `pg_ctl start` leaves the postmaster running, and a
/// postmaster that inherited a pipe's write end would keep a reader waiting for ever.
/// `wait()` blocks in `waitpid`: call it from a thread of its own.
public struct ChildProcess: Sendable {
    public let pid: pid_t
    /// The file receiving the child's output.
    public let outputPath: String

    /// Starts `arguments[0]` (an absolute path) with the rest as its arguments.
    public init(
        _ arguments: [String], outputPath: String, directory: String? = nil, environment: [String: String]? = nil
    ) throws {
        precondition(!arguments.isEmpty)
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let directory { _ = spawnChangeDirectory(&actions, directory) }
        var pid: pid_t = 0
        let status = Self.withCStrings(arguments) { argv in
            Self.withCStrings(env) { envp in posix_spawn(&pid, arguments[0], &actions, nil, argv, envp) }
        }
        guard status == 0 else {
            throw ClusterError.commandFailed(
                command: (arguments[0] as NSString).lastPathComponent, status: -1, output: String(cString: strerror(status)))
        }
        self.pid = pid
        self.outputPath = outputPath
    }

    /// Waits for the child to end; returns its exit status (128 + signal when killed by one).
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Sends `signal` to the child.
    public func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// What the child has written so far.
    public var output: String {
        (FileManager.default.contents(atPath: outputPath)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Calls `body` with a NULL-terminated C array of the strings.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}

#if os(Linux)
/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), not exported by the Glibc module.
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func spawnChangeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32
#else
private func spawnChangeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32 {
    posix_spawn_file_actions_addchdir_np(actions, path)
}
#endif

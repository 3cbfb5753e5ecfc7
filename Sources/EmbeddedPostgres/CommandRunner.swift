import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs an external program to completion and captures its combined output.
///
/// Uses `posix_spawn` and a blocking `waitpid`: call it from a thread of its own. Output goes to
/// a temporary file, not a pipe: `pg_ctl start` leaves the postmaster running, and a postmaster
/// that inherited a pipe's write end would keep a reader waiting for ever.
struct CommandRunner: Sendable {
    struct Result: Sendable {
        var status: Int32
        var output: String
    }

    /// Runs `executable` with `arguments`, optionally as another OS user (through `runuser`),
    /// in `directory`.
    static func run(
        _ executable: String,
        _ arguments: [String],
        asUser user: String? = nil,
        in directory: String? = nil
    ) throws -> Result {
        let argv: [String] = user.map { [runuserPath(), "-u", $0, "--", executable] + arguments } ?? [executable] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        environment["LANG"] = "C.UTF-8"
        let envp = environment.map { "\($0.key)=\($0.value)" }

        let outputPath = FileManager.default.temporaryDirectory.path + "/crm-cmd-\(UUID().uuidString)"
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let directory { _ = spawnChangeDirectory(&actions, directory) }

        var pid: pid_t = 0
        let spawnStatus = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnv in
                posix_spawn(&pid, argv[0], &actions, nil, cArgv, cEnv)
            }
        }
        guard spawnStatus == 0 else {
            throw ClusterError.commandFailed(
                command: (argv[0] as NSString).lastPathComponent, status: -1, output: String(cString: strerror(spawnStatus)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        return Result(status: exitStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Like `run`, but throws `ClusterError.commandFailed` on a non-zero exit status.
    @discardableResult
    static func check(
        _ executable: String,
        _ arguments: [String],
        asUser user: String? = nil,
        in directory: String? = nil
    ) throws -> String {
        let result = try run(executable, arguments, asUser: user, in: directory)
        guard result.status == 0 else {
            let name = (executable as NSString).lastPathComponent
            throw ClusterError.commandFailed(command: name, status: result.status, output: result.output)
        }
        return result.output
    }

    static func runuserPath() -> String {
        for candidate in ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "/usr/sbin/runuser"
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
@discardableResult
private func spawnChangeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32 {
    posix_spawn_file_actions_addchdir_np(actions, path)
}
#endif

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs an external program to completion and captures its combined output.
/// Blocks the calling thread: call it from a thread of its own.
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
        let outputPath = FileManager.default.temporaryDirectory.path + "/crm-cmd-\(UUID().uuidString)"
        defer { unlink(outputPath) }
        let child = try ChildProcess(argv, outputPath: outputPath, directory: directory, environment: environment)
        let status = child.wait()
        return Result(status: status, output: child.output)
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
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of an external program in a process group of its own, with a time limit: past it the
/// whole group (Chromium starts several processes) is killed. Output goes to a file. `run` blocks
/// in `waitpid`, so it is only ever called on a thread of its own (`ConverterProcess.start`).
struct ConverterProcess {
    let arguments: [String]
    let environment: [String: String]
    let outputPath: String
    let timeLimit: Duration

    enum Outcome: Equatable {
        case exited(Int32)
        case killedBySignal(Int32)
        case timedOut
    }

    /// Runs on a new thread (never the event loop nor Swift's cooperative pool) and resumes the
    /// caller when the process has ended or been killed.
    func start() async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try self.run() })
            }
        }
    }

    func run() throws -> Outcome {
        precondition(!arguments.isEmpty)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own (to kill every process it starts), default signal handling and an
        // empty mask (the server's blocked or ignored signals are not the converter's).
        var defaults = sigset_t()
        sigfillset(&defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let env = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = Self.withCStrings(arguments) { argv in
            Self.withCStrings(env) { envp in posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp) }
        }
        guard status == 0 else {
            throw DocumentError.conversionFailed("cannot start \(arguments[0]): \(String(cString: strerror(status)))")
        }
        let deadline = ContinuousClock.now.advanced(by: timeLimit)
        var wait: Int32 = 0
        while true {
            let result = waitpid(pid, &wait, WNOHANG)
            if result == pid { break }
            if result == -1 && errno != EINTR {
                kill(-pid, SIGKILL)
                throw DocumentError.conversionFailed("waitpid: \(String(cString: strerror(errno)))")
            }
            if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL)
                while waitpid(pid, &wait, 0) == -1 && errno == EINTR {}
                return .timedOut
            }
            usleep(20_000)
        }
        // Helpers of the converter still alive (renderer, zygote) go with it.
        kill(-pid, SIGKILL)
        if (wait & 0x7f) == 0 { return .exited((wait >> 8) & 0xff) }
        return .killedBySignal(wait & 0x7f)
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}

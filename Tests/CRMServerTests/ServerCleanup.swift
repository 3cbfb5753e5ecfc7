import Synchronization
import Testing

/// The servers a test started, so that the ones it did not stop (a failed `#require`, a thrown
/// error) are stopped when it ends and their folders removed.
final class StartedServers: Sendable {
    @TaskLocal static var current: StartedServers?

    private let servers = Mutex<[RunningServer]>([])

    func add(_ server: RunningServer) {
        servers.withLock { $0.append(server) }
    }

    /// Stops each server still running (stopping one already stopped does nothing).
    func stopAll() async {
        for server in servers.withLock({ $0 }) {
            try? await server.stop()
        }
    }
}

/// A suite trait: every test of the suite stops, when it ends however it ends, each server it
/// started (`RunningServer.start`), as a `defer` would if `defer` could await.
struct StopsItsServers: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> StopsItsServers? {
        testCase == nil ? nil : self
    }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let started = StartedServers()
        try await StartedServers.$current.withValue(started) {
            do {
                try await function()
            } catch {
                await started.stopAll()
                throw error
            }
            await started.stopAll()
        }
    }
}

extension SuiteTrait where Self == StopsItsServers {
    /// Stops, after each test, the servers it started and left running.
    static var stopsItsServers: Self { StopsItsServers() }
}

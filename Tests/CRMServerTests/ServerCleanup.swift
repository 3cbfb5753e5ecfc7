import Synchronization
import Testing

/// The servers and `crm` processes a test started, so that the ones it did not stop (a failed
/// `#require`, a thrown error) are stopped when it ends and their folders removed.
final class StartedServers: Sendable {
    @TaskLocal static var current: StartedServers?

    private let stops = Mutex<[@Sendable () async -> Void]>([])

    /// Registers how to stop something the test started; stopping what is stopped does nothing.
    func add(_ stop: @escaping @Sendable () async -> Void) {
        stops.withLock { $0.append(stop) }
    }

    func add(_ server: RunningServer) {
        add { try? await server.stop() }
    }

    /// Stops each server and process still running, the last started first.
    func stopAll() async {
        for stop in stops.withLock({ $0 }).reversed() {
            await stop()
        }
    }
}

/// A suite trait: every test of the suite stops, when it ends however it ends, each server it
/// started (`RunningServer.start`) and kills each `crm` process (`CRMProcess`) still running, as
/// a `defer` would if `defer` could await.
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

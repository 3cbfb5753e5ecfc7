import Foundation
import Synchronization

/// Where a listener ended up (useful when port 0 was asked for); set once, awaited by anyone.
public final class ListeningAddress: Sendable {
    private let state = Mutex(State())

    private struct State {
        var value: Result<Address, any Error>?
        var waiters: [UInt64: CheckedContinuation<Address, any Error>] = [:]
        var nextWaiter: UInt64 = 0
    }

    /// A host and port, e.g. 127.0.0.1 and 8080.
    public struct Address: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    public init() {}

    /// Sets the outcome once (later calls change nothing) and wakes every waiter.
    func resolve(_ result: Result<Address, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Address, any Error>] in
            guard state.value == nil else { return [] }
            state.value = result
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    /// Waits until the listener is bound, failed to bind, or the services stopped before it was;
    /// a cancelled waiter stops waiting (with `CancellationError`).
    public func wait() async throws -> Address {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<Address, any Error>? in
                    if let value = state.value { return value }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

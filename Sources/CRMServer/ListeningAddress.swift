import Foundation
import Synchronization

/// Where a listener ended up (useful when port 0 was asked for); set once, awaited by anyone.
public final class ListeningAddress: Sendable {
    private let state = Mutex(State())

    private struct State {
        var value: Result<Address, any Error>?
        var waiters: [CheckedContinuation<Address, any Error>] = []
    }

    /// A host and port, e.g. 127.0.0.1 and 8080.
    public struct Address: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    public init() {}

    func resolve(_ result: Result<Address, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Address, any Error>] in
            guard state.value == nil else { return [] }
            state.value = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    /// Waits until the listener is bound (or failed to bind).
    public func wait() async throws -> Address {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<Address, any Error>? in
                if let value = state.value { return value }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

import Foundation

/// Blocking work (pg_ctl and initdb, files, an XML parse) on a thread of its own, never on an
/// event loop or Swift's cooperative pool. Used by the embedded cluster's start and stop, the 1C
/// exchange and the imports.
public enum BlockingWork {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}

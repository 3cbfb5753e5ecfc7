import Foundation

/// Blocking work (files, an XML parse) on a thread of its own, never on an event loop or Swift's
/// cooperative pool, as the server's other blocking calls (`Blocking` in CRMServer, the PDF
/// converter). Used by the 1C exchange and the imports.
enum BlockingWork {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}

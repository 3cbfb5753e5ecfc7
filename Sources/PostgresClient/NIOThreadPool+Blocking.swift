import NIOPosix

extension NIOThreadPool {
    /// Runs blocking libpq work on the pool. Unlike `runIfActive`, work is never skipped
    /// because the calling task is cancelled (cleanup such as ROLLBACK must still run).
    func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit { state in
                guard case .active = state else {
                    continuation.resume(
                        throwing: PostgresError(
                            kind: .connectionLost, message: "the database thread pool is shut down"))
                    return
                }
                continuation.resume(with: Result(catching: body))
            }
        }
    }
}

/// Runs `body`, retrying (up to `maxAttempts` in total) while it throws a retryable
/// `PostgresError` (serialization failure, deadlock), with a short jittered back-off.
/// Wrap a whole transaction in it, not a single statement inside one.
public nonisolated(nonsending) func withRetry<T>(
    maxAttempts: Int = 5,
    _ body: nonisolated(nonsending) () async throws -> T
) async throws -> T {
    var attempt = 1
    while true {
        do {
            return try await body()
        } catch let error as PostgresError where error.isRetryable && attempt < maxAttempts {
            let base = 10 << min(attempt - 1, 6)  // 10, 20, 40 ... ms
            try await Task.sleep(for: .milliseconds(Int.random(in: base / 2...base * 3 / 2)))
            attempt += 1
        }
    }
}

import Foundation

/// Runs `body` and, when it is still running after `limit`, says once on standard error which
/// step of which test it is: when a run hangs (an await never resumed, all threads idle), the
/// watchdog of Tests/run-all.sh prints what started and did not finish, and these lines say
/// where inside it. Said once, so the run's silence still trips that watchdog.
public func slowStep<T>(
    _ step: String, limit: Duration = .seconds(90), file: String = #fileID, line: Int = #line,
    _ body: () async throws -> T
) async rethrows -> T {
    let started = Date()
    let watcher = Task {
        try await Task.sleep(for: limit)
        let time = ISO8601DateFormatter().string(from: started)
        FileHandle.standardError.write(Data("slow test step (started \(time), \(file):\(line)): \(step)\n".utf8))
    }
    defer { watcher.cancel() }
    return try await body()
}

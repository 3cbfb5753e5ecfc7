import EmbeddedPostgres
import Foundation
import Synchronization
import TestSupport

/// The built `crm` binary run as a child process, its output going to a file.
struct CRMProcess: Sendable {
    let child: ChildProcess

    /// The `crm` binary next to the test bundle (SwiftPM builds it with the tests).
    static var binary: String {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("crm").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/crm").standardized
            .path
    }

    init(_ arguments: [String], directory: String) throws {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("CRM_") { environment[key] = nil }
        child = try ChildProcess(
            [Self.binary] + arguments, outputPath: directory + "/crm-output-\(UUID().uuidString.prefix(6)).log",
            directory: directory, environment: environment)
        let (child, exited) = (child, exited)
        StartedServers.current?.add {
            guard !exited.withLock({ $0 }) else { return }
            child.signal(SIGKILL)
            _ = try? await TestPostgres.runBlocking { child.wait() }
        }
    }

    /// Set once the process was waited for (so the end of the test does not signal a reused pid).
    private let exited = ExitFlag()

    var output: String { child.output }

    /// Waits for a line of output containing `text`, returning that line.
    func waitForLine(containing text: String, timeout: Duration = .seconds(180)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = output.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CRMProcessFailure(message: "no line with '\(text)'; output:\n\(output)")
    }

    /// Waits for the process to exit and returns its status (killed and failed past `limit`).
    func waitForExit(limit: Duration = .seconds(240)) async throws -> Int32 {
        defer { exited.withLock { $0 = true } }
        return try await TestPostgres.waitForExit(child, limit: limit)
    }

    /// Runs `crm` with `arguments` to completion.
    static func run(_ arguments: [String], directory: String) async throws -> (status: Int32, output: String) {
        let process = try CRMProcess(arguments, directory: directory)
        let status = try await process.waitForExit()
        return (status, process.output)
    }
}

/// Whether a child process has been waited for.
final class ExitFlag: Sendable {
    private let value = Mutex(false)

    func withLock<T: Sendable>(_ body: (inout Bool) -> T) -> T {
        value.withLock { body(&$0) }
    }
}

struct CRMProcessFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

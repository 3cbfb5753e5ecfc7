import Foundation
import PostgresClient

/// One import of clients: the file read and normalised on a thread of its own (at most
/// `window` COPY chunks waiting, so memory stays flat), its rows COPYed into the transaction's
/// `pg_temp.import_rows`, then decided and written by `crm_api.import_clients` — all in one
/// transaction as the signed-in user: a failure anywhere leaves nothing written. The rows read
/// so far are recorded every second in short transactions of their own (the status shows them
/// while the import runs, the event stream sends them); `crm_api.import_finish` records the
/// end in the transaction itself; a failure is recorded after the rollback.
struct ClientImport: Sendable {
    let file: ImportFile
    let normalizer: ClientRowNormalizer
    let importID: Int64
    let dryRun: Bool

    /// COPY chunks (each about 256 KB of rows) that may wait for the database at once.
    static let window = 8

    /// The count of rows read, shared between the reading thread and the progress task.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        private var stopped = false
        func set(_ rows: Int) { lock.withLock { value = rows } }
        var rows: Int { lock.withLock { value } }
        func stop() { lock.withLock { stopped = true } }
        var isStopped: Bool { lock.withLock { stopped } }
    }

    struct Stopped: Error {}

    /// Runs the import; returns its counts (JSON text).
    func run(scope: RequestScope) async throws -> String {
        let counter = Counter()
        let importID = self.importID
        let dryRun = self.dryRun
        let progress = Task {
            var reported = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let rows = counter.rows
                if rows != reported {
                    reported = rows
                    _ = try? await scope.transaction(passive: true) { connection, _ in
                        try await connection.query("select crm_api.import_progress(\(importID), \(Int64(rows)))")
                    }
                }
            }
        }
        defer { progress.cancel() }
        let stream = chunks(counter)
        let counts = try await scope.transaction { connection, _ in
            _ = try await connection.query("select crm_api.import_lock(\(importID))")
            _ = try await connection.query(
                """
                create temp table import_rows (
                  row_number bigint primary key, name text not null, kind text not null, inn text, kpp text, legal_name text,
                  address text, city text, contact_name text, position text, phones text[] not null, emails text[] not null,
                  notes text, source text, contact_key text, reject_column text, reject_value text, reject_reason text,
                  outcome text, group_key text, leader bigint, territory_id bigint, source_id bigint, client_id bigint,
                  counterparty_id bigint, contact_new boolean not null default false
                ) on commit drop
                """)
            _ = try await connection.copyIn("copy pg_temp.import_rows (\(ClientRowNormalizer.copyColumns)) from stdin", data: stream)
            return try await connection.query("select crm_api.import_clients(\(importID), \(dryRun))::text")[0].decode(String.self, at: 0)
        }
        progress.cancel()
        return counts
    }

    /// The file's rows after the headings as COPY text, read on a thread of its own.
    func chunks(_ counter: Counter) -> AsyncThrowingMapSequence<AsyncThrowingStream<String, any Error>, String> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: String.self)
        // Made at 0 and raised: libdispatch traps when a semaphore is freed below its initial value.
        let window = DispatchSemaphore(value: 0)
        for _ in 0..<Self.window { window.signal() }
        continuation.onTermination = { _ in counter.stop() }
        let file = self.file
        let normalizer = self.normalizer
        Thread.detachNewThread {
            var buffer = ""
            var rows = 0
            func send() throws {
                while window.wait(timeout: .now() + .milliseconds(200)) == .timedOut {
                    if counter.isStopped { throw Stopped() }
                }
                if counter.isStopped { throw Stopped() }
                continuation.yield(buffer)
                buffer = ""
                counter.set(rows)
            }
            do {
                var headings = true
                try file.rows { number, fields in
                    if headings {
                        headings = false
                        return
                    }
                    guard let line = normalizer.line(number: number, fields: fields) else { return }
                    buffer += line
                    rows += 1
                    if buffer.utf8.count >= 256 << 10 { try send() }
                }
                if !buffer.isEmpty { try send() }
                counter.set(rows)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        // Each chunk taken by the COPY makes room for the next.
        return stream.map { chunk in
            window.signal()
            return chunk
        }
    }
}

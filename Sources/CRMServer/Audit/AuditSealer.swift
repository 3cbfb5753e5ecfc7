import Logging
import PostgresClient
import ServiceLifecycle

/// Seals the audit chain every few seconds (entries are tamper-evident once sealed) and writes
/// the chain head outside the database — to the log and to a file — whenever a seal moved it,
/// at most once per `headInterval`. Seals once more when the server stops. A chain rewritten
/// while the server runs no longer matches the heads written before the rewrite.
struct AuditSealer: Service {
    let pool: PostgresPool
    let headFile: AuditHeadFile
    let interval: Duration
    let headInterval: Duration
    let logger: Logger

    func run() async throws {
        var lastWritten: AuditChain.Head?
        var lastHeadTime = ContinuousClock.now - headInterval
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let written = await sealAndRecord(lastWritten, writeHead: ContinuousClock.now - lastHeadTime >= headInterval)
            // Only a head actually written restarts the interval (not every wake-up).
            if written != lastWritten { lastHeadTime = .now }
            lastWritten = written
            let interval = self.interval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        _ = await sealAndRecord(lastWritten, writeHead: true)
    }

    /// Seals; when asked and the head moved, records it. Returns the head last recorded.
    private func sealAndRecord(_ previous: AuditChain.Head?, writeHead: Bool) async -> AuditChain.Head? {
        do {
            return try await pool.withConnection { connection in
                try await AuditChain.seal(on: connection)
                guard writeHead, let head = try await AuditChain.head(on: connection), head != previous else { return previous }
                try headFile.append(head)
                logger.notice("audit chain head", metadata: ["seq": "\(head.seq)", "id": "\(head.id)", "hash": "\(head.hash)"])
                return head
            }
        } catch {
            logger.warning("audit sealing failed; will retry", metadata: ["error": "\(error)"])
            return previous
        }
    }
}

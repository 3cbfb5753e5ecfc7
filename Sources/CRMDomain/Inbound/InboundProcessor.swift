import Logging
import PostgresClient

/// Turns stored inbound events into CRM rows (`crm_api.inbound_process`, SECURITY DEFINER, see
/// sql/240_inbound.sql), each in a transaction of its own. A failure is recorded on the event
/// (attempts, error, when to retry) in another transaction; the event stays stored and the
/// retry service processes it later. Used by the webhook endpoints and the retry service.
public struct InboundProcessor: Sendable {
    let pool: PostgresPool
    let logger: Logger

    public init(pool: PostgresPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Processes event `id` unless done; with `wait` false, skips an event another transaction
    /// is processing. Returns its status afterwards: `processed`, `received` (not yet: failed or
    /// busy), `failed` (given up).
    @discardableResult
    public func process(_ id: Int64, wait: Bool) async -> String {
        do {
            let status = try await pool.withTransaction { connection in
                try await connection.query("select crm_api.inbound_process(\(id), \(wait))")[0].decode(String?.self, at: 0)
            }
            return status == "busy" ? "received" : status ?? "received"
        } catch {
            logger.warning("inbound event processing failed; will retry", metadata: ["inbound_event": "\(id)", "error": "\(error)"])
            let message = (error as? PostgresError).map { "\($0.sqlState ?? "") \($0.message)" } ?? "\(error)"
            do {
                try await pool.withTransaction { connection in
                    _ = try await connection.query("select crm_api.inbound_failed(\(id), \(message))")
                }
            } catch {
                logger.error("could not record an inbound processing failure", metadata: ["inbound_event": "\(id)", "error": "\(error)"])
            }
            return "received"
        }
    }

    /// Processes up to `limit` due events (stored but not processed: a failure, or a crash
    /// between storing and processing). Returns how many were looked at.
    public func processDue(limit: Int = 50) async throws -> Int {
        let ids = try await pool.withConnection { connection in
            try await connection.query("select id from crm_api.inbound_due(\(limit)::int) id").map { try $0.decode(Int64.self, at: 0) }
        }
        for id in ids {
            await process(id, wait: false)
        }
        return ids.count
    }
}

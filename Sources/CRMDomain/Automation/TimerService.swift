import Logging
import Metrics
import PostgresClient
import ServiceLifecycle

/// Fires the durable timers (`crm_private.timers`): every `interval` it calls
/// `crm_api.fire_due_timers(batch)`, again at once while whole batches fire. The database does
/// the rest — which timers are due, running each handler, exactly once across every server
/// instance on the database (`FOR UPDATE SKIP LOCKED`) — so any number of instances may run
/// this. Stops between two calls at graceful shutdown; a timer due meanwhile fires on the next
/// start (or on another instance).
public struct TimerService: Service {
    let pool: PostgresPool
    let interval: Duration
    let batch: Int
    let logger: Logger

    public init(pool: PostgresPool, interval: Duration = .seconds(1), batch: Int = 100, logger: Logger) {
        self.pool = pool
        self.interval = interval
        self.batch = batch
        self.logger = logger
    }

    public func run() async throws {
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var fired: Int?
            repeat {
                fired = await fireOnce(failures: &failures)
            } while fired == batch && !Task.isShuttingDownGracefully
            let interval = self.interval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One call; the number of timers fired, nil after an error. Errors are retried every
    /// interval and logged at the first and then every 60th (a database that is down for a
    /// while does not fill the log), and the recovery once.
    private func fireOnce(failures: inout Int) async -> Int? {
        do {
            let rows = try await pool.query("select crm_api.fire_due_timers(\(Int32(batch)))", prepared: true)
            let fired = Int(try rows[0].decode(Int32.self, at: 0))
            if failures > 0 { logger.notice("firing timers works again", metadata: ["failed_calls": "\(failures)"]) }
            failures = 0
            if fired > 0 {
                logger.debug("timers fired", metadata: ["count": "\(fired)"])
                Counter(label: "crm_timers_fired_total").increment(by: fired)
            }
            return fired
        } catch {
            if failures % 60 == 0 {
                logger.warning(
                    "firing timers failed; retrying every interval", metadata: ["error": "\(error)", "failed_calls": "\(failures + 1)"])
            }
            failures += 1
            return nil
        }
    }
}

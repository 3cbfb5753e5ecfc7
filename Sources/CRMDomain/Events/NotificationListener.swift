import Foundation
import Logging
import PostgresClient
import ServiceLifecycle

/// The process's one LISTEN on `crm_notifications` (its own connection and thread, from the
/// libpq layer): each NOTIFY `{"id", "user_id"}` wakes that user's event streams connected to
/// this process through the `NotificationHub`. The payload is only a wake-up: the streams read
/// the notification itself under their user's rules. When LISTEN starts (and restarts after
/// a failure) it wakes every stream to catch up; what is missed while the libpq layer
/// reconnects by itself is read by each stream at its next heartbeat. Closes the hub when it
/// stops.
public struct NotificationListener: Service {
    static let channel = "crm_notifications"

    let pool: PostgresPool
    let hub: NotificationHub
    let logger: Logger

    public init(pool: PostgresPool, hub: NotificationHub, logger: Logger) {
        self.pool = pool
        self.hub = hub
        self.logger = logger
    }

    private struct Payload: Decodable {
        var id: Int64
        var user_id: Int64
    }

    public func run() async throws {
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { [pool, hub, logger] in
                    let notifications = try await pool.listener().listen(channels: [Self.channel])
                    await hub.wakeAll()
                    for try await notification in notifications {
                        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(notification.payload.utf8)) else {
                            logger.warning("unreadable notification payload", metadata: ["payload": "\(notification.payload.prefix(200))"])
                            continue
                        }
                        await hub.deliver(notificationID: payload.id, userID: payload.user_id)
                    }
                }
                failures = 0
            } catch is CancellationError {
                break
            } catch {
                failures += 1
                logger.warning("notification listener failed; retrying", metadata: ["error": "\(error)"])
                let pause = Duration.milliseconds(min(5000, 100 << min(failures, 6)))
                _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            }
        }
        await hub.close()
    }
}

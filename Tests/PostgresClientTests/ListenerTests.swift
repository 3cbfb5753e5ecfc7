import Foundation
import PostgresClient
import Testing

@Suite struct ListenerTests {
    @Test func deliversNotificationsInOrder() async throws {
        try await withTestPool { pool, _ in
            let listener = pool.listener()
            let stream = try await listener.listen(channels: ["events", "Заказы"])
            let payloads = ["one", "два — Иванов Пётр, ООО «Ромашка»", "three 😀", ""]
            let senderPID = try await pool.withConnection { c in
                for payload in payloads {
                    _ = try await c.query("select pg_notify(\("events"), \(payload))")
                }
                _ = try await c.query("select pg_notify(\("Заказы"), \("заказ 1"))")
                _ = try await c.query("select pg_notify(\("ignored"), \("x"))")
                return c.backendPID
            }
            var received: [PostgresNotification] = []
            for try await notification in stream {
                received.append(notification)
                if received.count == payloads.count + 1 { break }
            }
            #expect(received.map(\.payload) == payloads + ["заказ 1"])
            #expect(received.map(\.channel) == Array(repeating: "events", count: payloads.count) + ["Заказы"])
            #expect(received.allSatisfy { $0.pid == senderPID })
        }
    }

    @Test func reconnectsAndStopsWithTheStream() async throws {
        try await withTestPool { pool, _ in
            let listenerPID: () async throws -> Int32? = {
                try await pool.query(
                    """
                    select pid from pg_stat_activity
                    where datname = current_database() and query like 'LISTEN%'
                    """
                ).first?.decode(Int32.self, at: 0)
            }
            var received: PostgresNotification?
            do {
                let stream = try await pool.listener().listen(channels: ["jobs"])
                let firstPID = try #require(try await listenerPID())
                _ = try await pool.query("select pg_terminate_backend(\(firstPID))")
                // Keep notifying until the re-LISTENed connection picks one up.
                let sender = Task {
                    for i in 0..<200 {
                        _ = try await pool.query("select pg_notify('jobs', \("after reconnect \(i)"))")
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
                for try await notification in stream {
                    received = notification
                    break
                }
                sender.cancel()
                let secondPID = try await listenerPID()
                #expect(secondPID != nil && secondPID != firstPID)
            }
            #expect(received?.payload.hasPrefix("after reconnect") == true)
            // The stream is gone: the listener thread stops and its connection goes away.
            #expect(try await eventually { try await listenerPID() == nil })
        }
    }

    @Test func notificationsStreamStartsListeningInTheBackground() async throws {
        try await withTestPool { pool, _ in
            let stream = pool.listener().notifications(channels: ["Mixed Case"])
            let sender = Task {
                for _ in 0..<100 {
                    _ = try await pool.query("select pg_notify('Mixed Case', 'привет')")
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            var first: PostgresNotification?
            for try await notification in stream {
                first = notification
                break
            }
            sender.cancel()
            #expect(first?.channel == "Mixed Case")
            #expect(first?.payload == "привет")
        }
    }

    @Test func listenFailsForUnreachableServer() async throws {
        let listener = PostgresListener(
            conninfo: "host=/nonexistent-pgclient-dir port=1 connect_timeout=2",
            logger: testLogger)
        await #expect(throws: PostgresError.self) {
            _ = try await listener.listen(channels: ["x"])
        }
    }
}

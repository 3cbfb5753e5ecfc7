import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite struct PoolTests {
    @Test func exhaustedPoolThrowsBusyInTime() async throws {
        try await withTestPool(size: 1, acquireTimeout: .milliseconds(300)) { pool, _ in
            let holder = Task {
                try await pool.withConnection { c in
                    _ = try await c.query("select 1")
                    try await Task.sleep(for: .seconds(8))  // longer than the margin below
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            let error = await expectPostgresError {
                _ = try await pool.query("select 1")
            }
            let waited = ContinuousClock.now - started
            #expect(error?.kind == .busy)
            #expect(error?.message == "database busy: no connection free within 0.3 s")
            #expect(waited >= .milliseconds(250))
            #expect(waited < .seconds(5), "a 0.3 s timeout is not a wait for the holder (5 s margin for a loaded machine)")
            try await holder.value
            // Once released, the connection serves again.
            let rows = try await pool.query("select 2")
            #expect(try rows[0].decode(Int.self, at: 0) == 2)
        }
    }

    @Test func waitersAreServedInOrder() async throws {
        try await withTestPool(size: 1) { pool, _ in
            let order = OrderLog()
            let (acquired, signal) = AsyncStream<Void>.makeStream()
            let (release, releaseSignal) = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await pool.withConnection { _ in
                    signal.yield()
                    for await _ in release { break }
                }
            }
            for await _ in acquired { break }
            var waiters: [Task<Void, any Error>] = []
            for i in 0..<5 {
                waiters.append(Task { try await pool.withConnection { _ in await order.append(i) } })
                #expect(try await eventually { await pool.statistics.waiting == i + 1 })
            }
            releaseSignal.yield()
            try await holder.value
            for waiter in waiters { try await waiter.value }
            #expect(await order.items == [0, 1, 2, 3, 4])
        }
    }

    @Test func recoversAfterBackendsAreTerminated() async throws {
        try await withTestPool(size: 3) { pool, conninfo in
            // Open three pooled connections.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 {
                    group.addTask { _ = try await pool.query("select pg_sleep(0.2)") }
                }
                try await group.waitForAll()
            }
            #expect(await pool.statistics.idle == 3)
            let admin = try await standaloneConnection(conninfo, pool)
            defer { admin.close() }
            let killed = try await admin.query(
                """
                select pg_terminate_backend(pid) from pg_stat_activity
                where datname = current_database() and pid <> pg_backend_pid()
                """)
            #expect(killed.count == 3)
            #expect(
                try await eventually {
                    try await admin.query(
                        """
                        select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
                        """)[0].decode(Int.self, at: 0) == 0
                })
            for i in 0..<6 {
                let rows = try await pool.query("select \(i) + 1")
                #expect(try rows[0].decode(Int.self, at: 0) == i + 1)
            }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<6 {
                    group.addTask { try await pool.query("select \(i) * 3")[0].decode(Int.self, at: 0) }
                }
                var sum = 0
                for try await value in group { sum += value }
                #expect(sum == 45)
            }
        }
    }

    @Test func brokenConnectionIsDiscardedOnRelease() async throws {
        try await withTestPool(size: 2) { pool, conninfo in
            let admin = try await standaloneConnection(conninfo, pool)
            defer { admin.close() }
            let error = await expectPostgresError {
                try await pool.withConnection { c in
                    _ = try await admin.query("select pg_terminate_backend(\(c.backendPID))")
                    try await Task.sleep(for: .milliseconds(200))
                    _ = try await c.query("select 1")
                }
            }
            #expect(error?.kind == .connectionLost)
            #expect(await pool.statistics == .init(idle: 0, inUse: 0, waiting: 0))
            let rows = try await pool.query("select 1")
            #expect(try rows[0].decode(Int.self, at: 0) == 1)
        }
    }

    @Test func transactionLeftOpenIsRolledBack() async throws {
        try await withTestPool(size: 1) { pool, _ in
            _ = try await pool.query("create table t (id int)")
            try await pool.withConnection { c in
                try await c.execute(script: "begin; insert into t values (1)")
            }
            let rows = try await pool.withConnection { c in
                try await c.query("select count(*), pg_current_xact_id_if_assigned() is null from t")
            }
            #expect(try rows[0].decode((Int, Bool).self) == (0, true))
            #expect(await pool.statistics.idle == 1)
        }
    }

    @Test func manyConcurrentTasksShareFewConnections() async throws {
        // Correctness under sharing, not timing: the wait for a connection is generous, since the
        // whole suite connects at once at start-up on a small machine.
        try await withTestPool(size: 4, acquireTimeout: .seconds(60)) { pool, _ in
            let results = try await withThrowingTaskGroup(of: (Int, Int, Int32).self) { group in
                for i in 0..<64 {
                    group.addTask {
                        let rows = try await pool.query("select \(i) * 2, \("n\(i)"), pg_backend_pid()")
                        let (doubled, label, pid) = try rows[0].decode((Int, String, Int32).self)
                        #expect(label == "n\(i)")
                        return (i, doubled, pid)
                    }
                }
                var all: [(Int, Int, Int32)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(results.count == 64)
            #expect(results.allSatisfy { $0.1 == $0.0 * 2 })
            #expect(Set(results.map(\.0)) == Set(0..<64))
            #expect(Set(results.map(\.2)).count <= 4)
            let stats = await pool.statistics
            #expect(stats.idle <= 4 && stats.inUse == 0 && stats.waiting == 0)
        }
    }

    @Test func gracefulClose() async throws {
        let conninfo = try await TestPostgres.makeDatabase()
        let pool = PostgresPool(configuration: .init(conninfo: conninfo, size: 2), logger: testLogger)
        let observer = PostgresPool(configuration: .init(conninfo: conninfo, size: 1), logger: testLogger)
        _ = try await pool.query("select 1")
        let events = OrderLog()
        let (acquired, signal) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await pool.withConnection { c in
                signal.yield()
                try await Task.sleep(for: .milliseconds(300))
                let value = try await c.query("select 42")[0].decode(Int.self, at: 0)
                await events.append(1)  // body finished
                return value
            }
        }
        for await _ in acquired { break }
        await pool.close()
        await events.append(2)  // close returned
        #expect(await events.items == [1, 2])  // close waited for the connection in use
        #expect(try await holder.value == 42)
        let error = await expectPostgresError { _ = try await pool.query("select 1") }
        #expect(error?.message == "database pool is closed")
        await pool.close()  // idempotent
        #expect(
            try await eventually {
                try await observer.query(
                    """
                    select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
                    """)[0].decode(Int.self, at: 0) == 0
            })
        await observer.close()
    }
}

extension PoolTests {
    @Test func runClosesThePoolWhenItsTaskEnds() async throws {
        let conninfo = try await TestPostgres.makeDatabase()
        let pool = PostgresPool(configuration: .init(conninfo: conninfo, size: 2), logger: testLogger)
        let service = Task { try await pool.run() }
        let rows = try await pool.query("select 1")
        #expect(try rows[0].decode(Int.self, at: 0) == 1)
        service.cancel()  // like a service group ending: run() returns after closing the pool
        try await service.value
        let error = await expectPostgresError { _ = try await pool.query("select 1") }
        #expect(error?.message == "database pool is closed")
    }
}

actor OrderLog {
    private(set) var items: [Int] = []
    func append(_ item: Int) { items.append(item) }
}

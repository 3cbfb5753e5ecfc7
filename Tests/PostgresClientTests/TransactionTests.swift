import Foundation
import PostgresClient
import Testing

@Suite struct TransactionTests {
    @Test func commitAndRollback() async throws {
        try await withTestPool { pool, _ in
            _ = try await pool.query("create table notes (id int primary key, body text)")
            let id = try await pool.withTransaction { c in
                _ = try await c.query("insert into notes values (\(1), \("kept"))")
                return 1
            }
            #expect(id == 1)

            await #expect(throws: TestFailure(id: 7)) {
                try await pool.withTransaction { c in
                    _ = try await c.query("insert into notes values (\(2), \("lost"))")
                    _ = try await c.query("update notes set body = \("changed") where id = \(1)")
                    throw TestFailure(id: 7)
                }
            }
            // A failing statement aborts the transaction; its error is rethrown unchanged.
            let error = await expectPostgresError {
                try await pool.withTransaction { c in
                    _ = try await c.query("insert into notes values (\(3), \("lost"))")
                    _ = try await c.query("insert into notes values (\(3), \("duplicate"))")
                }
            }
            #expect(error?.kind == .uniqueViolation)

            let rows = try await pool.query("select id, body from notes order by id")
            #expect(rows.count == 1)
            #expect(try rows[0].decode((Int, String).self) == (1, "kept"))
        }
    }

    @Test func isolationLevelIsApplied() async throws {
        try await withTestPool { pool, _ in
            let level = try await pool.withTransaction(isolation: .serializable) { c in
                try await c.query("show transaction_isolation")[0].decode(String.self, at: 0)
            }
            #expect(level == "serializable")
            let repeatable = try await pool.withTransaction(isolation: .repeatableRead) { c in
                try await c.query("show transaction_isolation")[0].decode(String.self, at: 0)
            }
            #expect(repeatable == "repeatable read")
        }
    }

    @Test func nestedTransactionUsesSavepoint() async throws {
        try await withTestPool { pool, _ in
            _ = try await pool.query("create table items (id int primary key)")
            try await pool.withTransaction { c in
                _ = try await c.query("insert into items values (\(1))")
                await #expect(throws: TestFailure.self) {
                    try await c.withTransaction { inner in
                        _ = try await inner.query("insert into items values (\(2))")
                        throw TestFailure()
                    }
                }
                try await c.withTransaction { inner in
                    _ = try await inner.query("insert into items values (\(3))")
                }
            }
            let ids = try await pool.query("select id from items order by id").map { try $0.decode(Int.self, at: 0) }
            #expect(ids == [1, 3])
        }
    }

    @Test func withRetryRetriesSerializationFailure() async throws {
        try await withTestPool { pool, conninfo in
            _ = try await pool.query("create table counters (id int primary key, n int)")
            _ = try await pool.query("insert into counters values (1, 0)")
            let interferer = try await standaloneConnection(conninfo, pool)
            defer { interferer.close() }
            let attempts = Counter()
            let final = try await withRetry {
                try await pool.withTransaction(isolation: .serializable) { c in
                    let attempt = await attempts.increment()
                    let n = try await c.query("select n from counters where id = 1")[0].decode(Int.self, at: 0)
                    if attempt == 1 {
                        // A concurrent committed update makes our own update fail with 40001.
                        _ = try await interferer.query("update counters set n = n + 100 where id = 1")
                    }
                    _ = try await c.query("update counters set n = \(n + 1) where id = 1")
                    return n + 1
                }
            }
            #expect(await attempts.value == 2)
            #expect(final == 101)
            let stored = try await pool.query("select n from counters")[0].decode(Int.self, at: 0)
            #expect(stored == 101)
        }
    }

    @Test func withRetryGivesUpAndSkipsOtherErrors() async throws {
        let attempts = Counter()
        let error = await expectPostgresError {
            try await withRetry(maxAttempts: 3) {
                _ = await attempts.increment()
                throw PostgresError(kind: .deadlock, message: "deadlock detected", sqlState: "40P01")
            }
        }
        #expect(error?.kind == .deadlock)
        #expect(await attempts.value == 3)

        let other = Counter()
        await #expect(throws: TestFailure.self) {
            try await withRetry {
                _ = await other.increment()
                throw TestFailure()
            }
        }
        #expect(await other.value == 1)
    }
}

actor Counter {
    private(set) var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}

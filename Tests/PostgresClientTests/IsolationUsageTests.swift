import Foundation
import PostgresClient
import Testing

/// An actor that keeps state and touches it from inside pool closures: this must compile
/// under strict concurrency (the closures run on the caller's actor).
actor CustomerRepository {
    let pool: PostgresPool
    private(set) var lastSeen: [String] = []

    init(pool: PostgresPool) { self.pool = pool }

    func load() async throws -> Int {
        try await pool.withConnection { c in
            let rows = try await c.query("select name from names order by name")
            lastSeen = try rows.map { try $0.decode(String.self, at: 0) }
            return rows.count
        }
    }

    func add(_ names: [String]) async throws {
        try await withRetry {
            try await pool.withTransaction(isolation: .serializable) { c in
                for name in names { _ = try await c.query("insert into names values (\(name))") }
                lastSeen.append(contentsOf: names)
            }
        }
    }

    func importCopy(_ lines: [String]) async throws -> Int {
        try await pool.withConnection { c in
            try await c.copyIn(
                "COPY names FROM STDIN",
                data: AsyncStream { continuation in
                    lines.forEach { continuation.yield(PostgresCopy.textRow([$0])) }
                    continuation.finish()
                })
        }
    }
}

@Suite struct IsolationUsageTests {
    @Test func poolIsUsableFromAnActor() async throws {
        try await withTestPool { pool, _ in
            _ = try await pool.query("create table names (name text)")
            let repository = CustomerRepository(pool: pool)
            try await repository.add(["Борис", "Анна"])
            #expect(try await repository.importCopy(["Вера"]) == 1)
            #expect(try await repository.load() == 3)
            #expect(await repository.lastSeen == ["Анна", "Борис", "Вера"])
        }
    }
}

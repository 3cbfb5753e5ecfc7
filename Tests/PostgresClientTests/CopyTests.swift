import Foundation
import PostgresClient
import Testing

@Suite struct CopyTests {
    static let rows: [(Int, String?, Decimal?)] = [
        (1, "Иванов Пётр, ООО «Ромашка»", Decimal(string: "1234567890123456.78")),
        (2, "tab\there\nnewline\\backslash\rcr", nil),
        (3, nil, Decimal(string: "-0.01")),
        (4, "\\N literally", 0),
    ]

    static func chunks(_ rows: [(Int, String?, Decimal?)]) -> AsyncStream<String> {
        AsyncStream { continuation in
            for row in rows {
                continuation.yield(PostgresCopy.textRow([row.0, row.1, row.2]))
            }
            continuation.finish()
        }
    }

    @Test func copyLoadsRows() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                try await c.execute(script: "create table people (id int primary key, name text, amount numeric(18,2))")
                let count = try await c.copyIn("COPY people (id, name, amount) FROM STDIN", data: Self.chunks(Self.rows))
                #expect(count == Self.rows.count)
                let loaded = try await c.query("select id, name, amount from people order by id")
                #expect(loaded.count == Self.rows.count)
                for (row, expected) in zip(loaded, Self.rows) {
                    let (id, name, amount) = try row.decode((Int, String?, Decimal?).self)
                    #expect(id == expected.0 && name == expected.1 && amount == expected.2)
                }
            }
        }
    }

    @Test func largeCopyInBytes() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                try await c.execute(script: "create table big (id int, payload text)")
                let data = AsyncStream<[UInt8]> { continuation in
                    for i in 0..<20_000 {
                        continuation.yield(Array(PostgresCopy.textRow([i, "строка \(i) " + String(repeating: "x", count: 20)]).utf8))
                    }
                    continuation.finish()
                }
                let count = try await c.copyIn("COPY big FROM STDIN", data: data)
                #expect(count == 20_000)
                let sum = try await c.query("select sum(id), count(distinct payload) from big")
                #expect(try sum[0].decode((Int, Int).self) == (199_990_000, 20_000))
            }
        }
    }

    @Test func malformedRowRollsBackTheCopy() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                try await c.execute(script: "create table people (id int primary key, name text)")
                let lines = [PostgresCopy.textRow([1, "ok"]), "2\tok\n", "not-a-number\tbad\n", PostgresCopy.textRow([4, "ok"])]
                let error = await expectPostgresError {
                    _ = try await c.copyIn(
                        "COPY people FROM STDIN",
                        data: AsyncStream { continuation in
                            lines.forEach { continuation.yield($0) }
                            continuation.finish()
                        })
                }
                #expect(error?.sqlState == "22P02")
                let count = try await c.query("select count(*) from people")
                #expect(try count[0].decode(Int.self, at: 0) == 0)
            }
        }
    }

    @Test func throwingSourceAbortsTheCopy() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                try await c.execute(script: "create table people (id int primary key, name text)")
                let source = AsyncThrowingStream<String, any Error> { continuation in
                    continuation.yield(PostgresCopy.textRow([1, "first"]))
                    continuation.yield(PostgresCopy.textRow([2, "second"]))
                    continuation.finish(throwing: TestFailure(id: 3))
                }
                await #expect(throws: TestFailure(id: 3)) {
                    _ = try await c.copyIn("COPY people FROM STDIN", data: source)
                }
                let count = try await c.query("select count(*) from people")
                #expect(try count[0].decode(Int.self, at: 0) == 0)
            }
        }
    }

    @Test func copyThroughQueryDoesNotWedgeTheConnection() async throws {
        try await withTestPool(size: 1) { pool, _ in
            _ = try await pool.query("create table t (a int)")
            await #expect(throws: PostgresError.self) { _ = try await pool.query("copy t from stdin") }
            await #expect(throws: PostgresError.self) { _ = try await pool.query("copy t to stdout") }
            let rows = try await pool.query("select count(*) from t")
            #expect(try rows[0].decode(Int.self, at: 0) == 0)
        }
    }
}

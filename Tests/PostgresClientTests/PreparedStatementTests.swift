import Foundation
import PostgresClient
import Testing

@Suite struct PreparedStatementTests {
    @Test func preparedStatementsAreReused() async throws {
        try await withTestPool(size: 1) { pool, _ in
            try await pool.withConnection { c in
                try await c.execute(script: "create table t (id int primary key, name text)")
                for i in 0..<5 {
                    let inserted = try await c.query("insert into t values (\(i), \("name \(i)"))", prepared: true)
                    #expect(inserted.affectedRows == 1)
                }
                for i in 0..<5 {
                    let rows = try await c.query("select name from t where id = \(i)", prepared: true)
                    #expect(try rows[0].decode(String.self, at: 0) == "name \(i)")
                }
                _ = try await c.query("select count(*) from t")  // not prepared
                #expect(c.preparedStatementCount == 2)
                let server = try await c.query("select count(*) from pg_prepared_statements")
                #expect(try server[0].decode(Int.self, at: 0) == 2)
                let calls = try await c.query("select name from t where id = \(1)", prepared: true)
                #expect(try calls[0].decode(String.self, at: 0) == "name 1")
                #expect(c.preparedStatementCount == 2)
            }
        }
    }

    @Test func preparedStatementSurvivesDiscardAll() async throws {
        try await withTestPool(size: 1) { pool, _ in
            try await pool.withConnection { c in
                _ = try await c.query("select \(1) + 1", prepared: true)
                try await c.execute(script: "DISCARD ALL")
                try await c.execute(script: "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO'")
                let rows = try await c.query("select \(2) + 1", prepared: true)
                #expect(try rows[0].decode(Int.self, at: 0) == 3)
            }
        }
    }

    @Test func preparedErrorsAreTyped() async throws {
        try await withTestPool(size: 1) { pool, _ in
            _ = try await pool.query("create table u (id int primary key)")
            _ = try await pool.query("insert into u values (\(1))", prepared: true)
            let error = await expectPostgresError {
                _ = try await pool.query("insert into u values (\(1))", prepared: true)
            }
            #expect(error?.kind == .uniqueViolation)
            #expect(error?.constraint == "u_pkey")
        }
    }
}

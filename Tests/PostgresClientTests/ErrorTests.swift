import Foundation
import PostgresClient
import Testing

@Suite struct ErrorTests {
    static let schema = """
        create table companies (id int primary key);
        create table customers (
            id int primary key,
            email text not null constraint customers_email_key unique,
            company_id int constraint customers_company_fkey references companies(id),
            age int constraint customers_age_check check (age >= 0)
        );
        insert into companies values (1);
        """

    @Test func constraintViolationsAreTyped() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                try await c.execute(script: Self.schema)
                _ = try await c.query("insert into customers (id, email) values (1, \("secret@example.com"))")

                let unique = await expectPostgresError {
                    _ = try await c.query("insert into customers (id, email) values (2, \("secret@example.com"))")
                }
                #expect(unique?.kind == .uniqueViolation)
                #expect(unique?.sqlState == "23505")
                #expect(unique?.constraint == "customers_email_key")
                #expect(unique?.table == "customers")
                #expect(unique?.schema == "public")
                #expect(unique?.query == "insert into customers (id, email) values (2, $1)")
                #expect(unique?.detail?.contains("already exists") == true)
                #expect(unique?.description.contains("secret@example.com") == false)
                #expect(unique?.description.contains("23505") == true)
                #expect(unique?.isRetryable == false)

                let foreignKey = await expectPostgresError {
                    _ = try await c.query("insert into customers (id, email, company_id) values (3, \("a@b"), \(99))")
                }
                #expect(foreignKey?.kind == .foreignKeyViolation)
                #expect(foreignKey?.sqlState == "23503")
                #expect(foreignKey?.constraint == "customers_company_fkey")

                let check = await expectPostgresError {
                    _ = try await c.query("insert into customers (id, email, age) values (4, \("c@d"), \(-5))")
                }
                #expect(check?.kind == .checkViolation)
                #expect(check?.sqlState == "23514")
                #expect(check?.constraint == "customers_age_check")

                let notNull = await expectPostgresError {
                    _ = try await c.query("insert into customers (id, email) values (5, \(String?.none))")
                }
                #expect(notNull?.kind == .notNullViolation)
                #expect(notNull?.column == "email")

                let syntax = await expectPostgresError { _ = try await c.query("selec 1") }
                #expect(syntax?.kind == .other)
                #expect(syntax?.sqlState == "42601")

                // The connection is still usable after errors.
                let rows = try await c.query("select count(*) from customers")
                #expect(try rows[0].decode(Int.self, at: 0) == 1)
            }
        }
    }

    @Test func decodingErrorNamesTheColumn() async throws {
        try await withTestPool { pool, _ in
            let rows = try await pool.query("select 1 as id, 'Иванов-secret' as customer_name")
            let error = #expect(throws: PostgresDecodingError.self) {
                _ = try rows[0].decode((Int, Int).self)
            }
            #expect(error?.columnName == "customer_name")
            #expect(error?.columnIndex == 1)
            #expect(error?.swiftType == "Int")
            #expect(error?.postgresType == .text)
            let text = error.map { "\($0)" } ?? ""
            #expect(text.contains("customer_name") && text.contains("Int") && text.contains("text"))
            #expect(!text.contains("secret"))
            let missing = #expect(throws: PostgresDecodingError.self) { try rows[0].decode(Int.self, named: "nope") }
            #expect(missing?.columnName == "nope")
        }
    }

    @Test func serializationFailureIsTyped() async throws {
        try await withTestPool { pool, conninfo in
            let c1 = try await standaloneConnection(conninfo, pool)
            let c2 = try await standaloneConnection(conninfo, pool)
            defer {
                c1.close()
                c2.close()
            }
            try await c1.execute(script: "create table accounts (id int primary key, balance int); insert into accounts values (1, 100)")
            try await c1.execute(script: "begin isolation level serializable")
            try await c2.execute(script: "begin isolation level serializable")
            _ = try await c2.query("select balance from accounts where id = 1")  // snapshot taken
            _ = try await c1.query("update accounts set balance = balance - 10 where id = 1")
            try await c1.execute(script: "commit")
            let error = await expectPostgresError {
                _ = try await c2.query("update accounts set balance = balance - 20 where id = 1")
            }
            #expect(error?.kind == .serializationFailure)
            #expect(error?.sqlState == "40001")
            #expect(error?.isRetryable == true)
            try await c2.execute(script: "rollback")
        }
    }

    @Test func deadlockIsTyped() async throws {
        try await withTestPool { pool, conninfo in
            let c1 = try await standaloneConnection(conninfo, pool)
            let c2 = try await standaloneConnection(conninfo, pool)
            defer {
                c1.close()
                c2.close()
            }
            try await c1.execute(script: "create table rows (id int primary key, v int); insert into rows values (1, 0), (2, 0)")
            try await c1.execute(script: "begin")
            try await c2.execute(script: "begin")
            _ = try await c1.query("update rows set v = 1 where id = \(1)")
            _ = try await c2.query("update rows set v = 2 where id = \(2)")
            async let first: PostgresError? = {
                do {
                    _ = try await c1.query("update rows set v = 1 where id = \(2)")
                    return nil
                } catch {
                    return error as? PostgresError
                }
            }()
            try await Task.sleep(for: .milliseconds(100))
            let second: PostgresError?
            do {
                _ = try await c2.query("update rows set v = 2 where id = \(1)")
                second = nil
            } catch {
                second = error as? PostgresError
            }
            // The loser's locks are released by its error, so the other statement completes.
            let firstError = await first
            try await c1.execute(script: "rollback")
            try await c2.execute(script: "rollback")
            let errors = [firstError, second].compactMap { $0 }
            #expect(errors.count == 1)
            #expect(errors.first?.kind == .deadlock)
            #expect(errors.first?.sqlState == "40P01")
            #expect(errors.first?.isRetryable == true)
        }
    }

    @Test func terminatedBackendIsConnectionLost() async throws {
        try await withTestPool { pool, conninfo in
            let victim = try await standaloneConnection(conninfo, pool)
            defer { victim.close() }
            #expect(victim.isHealthy())
            _ = try await pool.query("select pg_terminate_backend(\(victim.backendPID))")
            #expect(try await eventually { !victim.isHealthy() })
            let error = await expectPostgresError { _ = try await victim.query("select 1") }
            #expect(error?.kind == .connectionLost)
            #expect(victim.isBroken)
        }
    }

    @Test func cancellingTheTaskCancelsTheQuery() async throws {
        try await withTestPool { pool, conninfo in
            let connection = try await standaloneConnection(conninfo, pool)
            defer { connection.close() }
            let started = ContinuousClock.now
            let task = Task { try await connection.query("select pg_sleep(30)") }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let result = await task.result
            #expect(ContinuousClock.now - started < .seconds(10))
            guard case .failure(let error) = result else {
                Issue.record("query was not cancelled")
                return
            }
            #expect((error as? PostgresError)?.kind == .queryCanceled)
            let rows = try await connection.query("select 1")
            #expect(try rows[0].decode(Int.self, at: 0) == 1)
        }
    }

    @Test func connectFailureThrows() async throws {
        try await withTestPool { pool, conninfo in
            let error = await expectPostgresError {
                _ = try await PostgresConnection.connect(
                    "host=/nonexistent-pgclient-dir port=1 connect_timeout=2",
                    threadPool: pool.threadPool, logger: testLogger)
            }
            #expect(error?.kind == .connectionLost)
            #expect(error?.message.contains("nonexistent-pgclient-dir") == true)
        }
    }
}

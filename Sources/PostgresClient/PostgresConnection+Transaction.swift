import CLibPQ

extension PostgresConnection {
    /// Runs `body` inside `BEGIN ISOLATION LEVEL ...` / `COMMIT`. If `body` throws, the
    /// transaction is rolled back and the original error rethrown. Called inside an open
    /// transaction, it uses a savepoint instead (the isolation level then does not apply).
    public nonisolated(nonsending) func withTransaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        _ body: nonisolated(nonsending) (PostgresConnection) async throws -> T
    ) async throws -> T {
        let savepoint = "pgclient_sp_\(UInt32.random(in: 0...UInt32.max))"
        let begin = "BEGIN ISOLATION LEVEL \(isolation.rawValue)"
        let nested = try await threadPool.runBlocking {
            try self.withHandle(query: begin) { handle in
                let nested = PQtransactionStatus(handle) != PQTRANS_IDLE
                let sql = nested ? "SAVEPOINT \(savepoint)" : begin
                _ = try self.takeResult(PQexec(handle, sql), handle, sql: sql)
                return nested
            }
        }
        let value: T
        do {
            value = try await body(self)
        } catch {
            let rollback = nested ? "ROLLBACK TO SAVEPOINT \(savepoint); RELEASE SAVEPOINT \(savepoint)" : "ROLLBACK"
            do {
                try await execute(script: rollback)
            } catch {
                logger.warning("rollback failed", metadata: ["error": "\(error)"])
            }
            throw error
        }
        if nested {
            try await command("RELEASE SAVEPOINT \(savepoint)")
        } else {
            try await commit()
        }
        return value
    }

    /// COMMIT; a COMMIT that the server turns into a ROLLBACK (failed transaction) throws.
    private func commit() async throws {
        let rows = try await threadPool.runBlocking {
            try self.withHandle(query: "COMMIT") { handle in
                try self.takeResult(PQexec(handle, "COMMIT"), handle, sql: "COMMIT")
            }
        }
        if rows.commandTag == "ROLLBACK" {
            throw PostgresError(
                kind: .other, message: "transaction was aborted; COMMIT rolled back",
                query: "COMMIT")
        }
    }
}

import CLibPQ

extension PostgresConnection {
    /// Runs one statement with bound parameters and returns all rows.
    /// With `prepared: true` the statement is prepared once per connection (cached by SQL
    /// text and parameter types) and executed by name afterwards.
    /// Cancelling the calling task sends a cancel request to the server.
    public func query(_ query: PostgresQuery, prepared: Bool = false) async throws -> PostgresRows {
        try Task.checkCancellation()
        let generation = cancelLock.withLock {
            generationCounter += 1
            return generationCounter
        }
        return try await withTaskCancellationHandler {
            try await threadPool.runBlocking {
                try self.withHandle(query: query.sql) { handle in
                    // Cancelled while waiting for this thread: the statement is not sent at all.
                    let cancelledEarly = self.cancelLock.withLock {
                        self.runningGeneration = generation
                        return self.cancelledGeneration == generation
                    }
                    defer { self.cancelLock.withLock { self.runningGeneration = 0 } }
                    if cancelledEarly {
                        throw PostgresError(kind: .queryCanceled, message: "canceling statement due to user request (before it was sent)")
                    }
                    return try self.executeBlocking(handle, query, prepared: prepared)
                }
            }
        } onCancel: {
            self.requestCancel(generation: generation)
        }
    }

    /// Runs trusted multi-statement SQL (such as a migration file) with the simple protocol.
    /// Every result is read; the first error is thrown.
    public func execute(script: String) async throws {
        try await threadPool.runBlocking {
            try self.withHandle(query: script) { handle in
                guard PQsendQuery(handle, script) == 1 else {
                    throw PGResult.connectionError(handle, query: script)
                }
                if let error = PGResult.drain(handle, query: script) { throw error }
            }
        }
    }

    /// Runs a parameterless control statement (BEGIN, COMMIT, ...) without cancellation.
    func command(_ sql: String) async throws {
        _ = try await threadPool.runBlocking {
            try self.withHandle(query: sql) { handle in
                try self.takeResult(PQexec(handle, sql), handle, sql: sql)
            }
        }
    }

    private func executeBlocking(_ handle: OpaquePointer, _ query: PostgresQuery, prepared: Bool) throws -> PostgresRows {
        for (i, binding) in query.bindings.enumerated() where binding.text?.utf8.contains(0) == true {
            throw PostgresError(
                kind: .other, message: "parameter $\(i + 1) contains a NUL character",
                query: query.sql)
        }
        let types = query.bindings.map { Oid($0.type.rawValue) }
        let count = Int32(query.bindings.count)
        return try withCStringArray(query.bindings.map(\.text)) { values in
            try types.withUnsafeBufferPointer { typePointer in
                guard prepared else {
                    let result = PQexecParams(handle, query.sql, count, typePointer.baseAddress, values, nil, nil, 0)
                    return try takeResult(result, handle, sql: query.sql)
                }
                let key = PreparedStatementCache.Key(sql: query.sql, types: types)
                for attempt in 0..<2 {
                    let name = try preparedName(handle, key: key, count: count, types: typePointer.baseAddress)
                    do {
                        let result = PQexecPrepared(handle, name, count, values, nil, nil, 0)
                        return try takeResult(result, handle, sql: query.sql)
                    } catch let error as PostgresError {
                        // 26000: the statement vanished (DISCARD ALL); 0A000: cached plan is stale.
                        guard error.sqlState == "26000" || error.sqlState == "0A000" else { throw error }
                        statements.remove(key)
                        if attempt == 1 || PQtransactionStatus(handle) != PQTRANS_IDLE { throw error }
                    }
                }
                preconditionFailure("unreachable")
            }
        }
    }

    /// The server-side name for `key`, preparing it on first use.
    private func preparedName(
        _ handle: OpaquePointer, key: PreparedStatementCache.Key, count: Int32,
        types: UnsafePointer<Oid>?
    ) throws -> String {
        if let name = statements.lookup(key) { return name }
        let name = statements.makeName()
        _ = try takeResult(PQprepare(handle, name, key.sql, count, types), handle, sql: key.sql)
        if let evicted = statements.insert(key, name: name) {
            let sql = "DEALLOCATE \(PostgresQuery.quoteIdentifier(evicted))"
            _ = try? takeResult(PQexec(handle, sql), handle, sql: sql)
        }
        return name
    }

    /// Sends a cancel request (on the thread pool) if statement `generation` is still running.
    private func requestCancel(generation: UInt64) {
        cancelLock.withLock { cancelledGeneration = generation }
        threadPool.submit { state in
            guard case .active = state else { return }
            self.cancelLock.withLock {
                guard self.runningGeneration == generation, let cancel = self.cancelHandle else { return }
                var buffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(cancel, &buffer, Int32(buffer.count))
            }
        }
    }
}

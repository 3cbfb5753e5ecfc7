import CLibPQ

extension PostgresConnection {
    /// Runs `COPY ... FROM STDIN` feeding it the chunks of `data`; returns the rows copied.
    ///
    /// If `data` throws (or sending fails), the COPY is ended with an error message so the
    /// server rolls it back, and the original error is rethrown. A malformed row makes the
    /// server reject the whole COPY (a `PostgresError` is thrown).
    public nonisolated(nonsending) func copyIn<S: AsyncSequence>(_ sql: PostgresQuery, data: S) async throws -> Int
    where S.Element: PostgresCopyChunk {
        guard sql.bindings.isEmpty else {
            throw PostgresError(kind: .other, message: "COPY does not accept bound parameters", query: sql.sql)
        }
        let text = sql.sql
        try await threadPool.runBlocking { try self.withHandle(query: text) { try self.startCopy($0, text) } }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.copyFlushSize)
        do {
            for try await chunk in data {
                chunk.appendCopyBytes(to: &buffer)
                if buffer.count >= Self.copyFlushSize {
                    try await sendCopyData(buffer, sql: text)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            if !buffer.isEmpty { try await sendCopyData(buffer, sql: text) }
        } catch {
            let reason = "COPY aborted by the client: \(type(of: error))"
            _ = try? await threadPool.runBlocking {
                try self.withHandle(query: text) { try self.endCopy($0, failure: reason, text) }
            }
            throw error
        }
        return try await threadPool.runBlocking {
            try self.withHandle(query: text) { try self.endCopy($0, failure: nil, text) }
        }
    }

    /// `copyIn` for a trusted SQL string held in a variable.
    public nonisolated(nonsending) func copyIn<S: AsyncSequence>(_ sql: String, data: S) async throws -> Int
    where S.Element: PostgresCopyChunk {
        try await copyIn(PostgresQuery(unsafeSQL: sql), data: data)
    }

    static let copyFlushSize = 64 * 1024

    private func sendCopyData(_ bytes: [UInt8], sql: String) async throws {
        try await threadPool.runBlocking {
            try self.withHandle(query: sql) { handle in
                let sent = bytes.withUnsafeBytes { raw in
                    PQputCopyData(handle, raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count))
                }
                guard sent == 1 else { throw PGResult.connectionError(handle, query: sql) }
            }
        }
    }

    private func startCopy(_ handle: OpaquePointer, _ sql: String) throws {
        guard let result = PQexec(handle, sql) else { throw PGResult.connectionError(handle, query: sql) }
        let status = PQresultStatus(result)
        if status == PGRES_COPY_IN {
            PQclear(result)
            return
        }
        if status == PGRES_COPY_OUT {
            PQclear(result)
            throw PGResult.drain(handle, query: sql)
                ?? PostgresError(kind: .other, message: "copyIn needs COPY ... FROM STDIN", query: sql)
        }
        _ = try takeResult(result, handle, sql: sql)
        throw PostgresError(kind: .other, message: "copyIn needs COPY ... FROM STDIN", query: sql)
    }

    /// Ends the COPY (with `failure` to make the server abort it); returns the row count.
    private func endCopy(_ handle: OpaquePointer, failure: String?, _ sql: String) throws -> Int {
        _ = PQputCopyEnd(handle, failure)
        var count = 0
        var firstError: PostgresError?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK:
                count = optionalString(PQcmdTuples(result)).flatMap { Int($0) } ?? 0
            case PGRES_COPY_IN:
                // PQputCopyEnd did not get through; nothing more can be done here.
                throw firstError ?? PGResult.connectionError(handle, query: sql)
            default:
                firstError = firstError ?? PGResult.error(result, connection: handle, query: sql)
            }
        }
        if let firstError { throw firstError }
        return count
    }
}

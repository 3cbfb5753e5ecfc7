import CLibPQ

/// Helpers that turn libpq results into Swift values. The caller owns and clears `result`.
enum PGResult {
    /// Copies all rows out of a TUPLES_OK / COMMAND_OK result.
    static func rows(_ result: OpaquePointer) -> PostgresRows {
        let fieldCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns: [String] = []
        var types: [PostgresDataType] = []
        for c in 0..<fieldCount {
            columns.append(optionalString(PQfname(result, Int32(c))) ?? "?column?")
            types.append(PostgresDataType(PQftype(result, Int32(c))))
        }
        var values: [String?] = []
        values.reserveCapacity(fieldCount * rowCount)
        for r in 0..<Int32(rowCount) {
            for c in 0..<Int32(fieldCount) {
                if PQgetisnull(result, r, c) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, r, c))
                    let raw = UnsafeRawPointer(PQgetvalue(result, r, c)!)
                    let bytes = UnsafeBufferPointer(start: raw.assumingMemoryBound(to: UInt8.self), count: length)
                    values.append(String(decoding: bytes, as: UTF8.self))
                }
            }
        }
        let tag = optionalString(PQcmdStatus(result)) ?? ""
        let affected = optionalString(PQcmdTuples(result)).flatMap { Int($0) } ?? 0
        return PostgresRows(
            columns: columns, types: types, values: values, rowCount: rowCount,
            affectedRows: affected, commandTag: tag)
    }

    /// The error described by a failed result (or by the connection when there is none).
    static func error(_ result: OpaquePointer?, connection: OpaquePointer, query: String?) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let result else { return nil }
            return optionalString(PQresultErrorField(result, Int32(code.asciiValue!)))
        }
        let lost = PQstatus(connection) == CONNECTION_BAD
        let sqlState = field("C")
        var message = field("M")
        if message == nil, let result {
            message = optionalString(PQresultErrorMessage(result)).map(trimmed)
        }
        if message == nil || message == "" {
            message = optionalString(PQerrorMessage(connection)).map(trimmed) ?? "unknown libpq error"
        }
        return PostgresError(
            kind: lost ? .connectionLost : PostgresError.kind(forSQLState: sqlState),
            message: message ?? "unknown libpq error", sqlState: sqlState,
            detail: field("D"), hint: field("H"), constraint: field("n"), table: field("t"),
            column: field("c"), schema: field("s"), query: query.map(clip))
    }

    /// A connection-level error (no result available).
    static func connectionError(_ connection: OpaquePointer, query: String?) -> PostgresError {
        error(nil, connection: connection, query: query)
    }

    static func trimmed(_ s: String) -> String {
        var s = Substring(s)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }

    /// Long scripts are clipped in errors.
    static func clip(_ sql: String) -> String {
        sql.count <= 2000 ? sql : String(sql.prefix(2000)) + "…"
    }

    /// Reads results until libpq reports none; ends a COPY the server started, if any.
    /// Returns the first error seen.
    @discardableResult
    static func drain(_ connection: OpaquePointer, query: String?) -> PostgresError? {
        var firstError: PostgresError?
        var copyInRounds = 0
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_FATAL_ERROR, PGRES_BAD_RESPONSE:
                firstError = firstError ?? error(result, connection: connection, query: query)
            case PGRES_COPY_IN:
                copyInRounds += 1
                if copyInRounds > 2 { return firstError ?? connectionError(connection, query: query) }
                firstError =
                    firstError
                    ?? PostgresError(
                        kind: .other, message: "COPY FROM STDIN is only supported through copyIn", query: query)
                _ = PQputCopyEnd(connection, "COPY FROM STDIN is not supported here")
            case PGRES_COPY_OUT:
                firstError =
                    firstError
                    ?? PostgresError(
                        kind: .other, message: "COPY TO STDOUT is not supported", query: query)
                discardCopyOut(connection)
            default:
                break
            }
            if PQstatus(connection) == CONNECTION_BAD, firstError == nil {
                firstError = connectionError(connection, query: query)
            }
        }
        return firstError
    }

    private static func discardCopyOut(_ connection: OpaquePointer) {
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(connection, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
    }
}

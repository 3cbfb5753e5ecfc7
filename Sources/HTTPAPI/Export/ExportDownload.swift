import AccessControl
import Hummingbird
import PostgresClient

/// A file download streamed from a cursor inside one database transaction as the caller: the
/// cursor declared by `declare` (named `export_rows`), fetched 500 rows at a time into `file`,
/// then `record` writes the audit entry with the rows sent — in the same transaction, or, when
/// the database fails mid-stream, in one of its own. The export right is checked by the caller
/// before this starts (a refusal is an ordinary error answer, before any byte).
struct ExportDownload: Sendable {
    /// Records the export: the connection, the rows sent, whether the download completed.
    typealias Record = @Sendable (PostgresConnection, Int64, Bool) async throws -> Void

    /// The request's scope: the download opens its transactions with it while it writes.
    let scope: RequestScope

    /// Rows fetched from the cursor per round trip.
    static let batchSize = 500

    func response(
        filename: String, format: ExportFormat, file: ExportFile, sheet: String, columns: Int, declare: PostgresQuery,
        record: @escaping Record
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        headers[.contentDisposition] = "attachment; filename=\"\(filename).\(format.rawValue)\""
        headers[.cacheControl] = "no-store"
        let scope = self.scope
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let stream = DownloadStream(writer: writer)
                do {
                    try await scope.transaction { connection, _ in
                        _ = try await connection.query(declare)
                        await stream.write(ByteBuffer(bytes: file.begin(sheet: sheet)))
                        while !stream.broken {
                            let batch = try await connection.query(PostgresQuery(unsafeSQL: "fetch \(Self.batchSize) from export_rows"))
                            if batch.isEmpty { break }
                            let rows = batch.map { row in (0..<columns).map { row[$0] } }
                            await stream.write(ByteBuffer(bytes: file.rows(rows)), rows: batch.count)
                        }
                        if !stream.broken { await stream.write(ByteBuffer(bytes: file.finish())) }
                        try await record(connection, Int64(stream.rows), !stream.broken)
                    }
                } catch {
                    // The database failed mid-stream: record what was sent, in a transaction of its own.
                    _ = try? await scope.transaction { connection, _ in
                        try await record(connection, Int64(stream.rows), false)
                    }
                    throw error
                }
                if let failure = stream.failure { throw failure }
                try await stream.writer.finish(nil)
            })
    }
}

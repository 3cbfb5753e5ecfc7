import Credentials
import HTTPTypes
import Hummingbird
import PostgresClient

/// `Idempotency-Key` on POST: the same key and body get the first response again; the same key
/// with another body → 422; a concurrent request with the key → 409. The key and the response
/// are stored in the write's own transaction (`crm_api.idempotency_begin/finish`).
enum Idempotency {
    struct Key: Sendable {
        let key: String
        let requestHash: [UInt8]

        /// The request's key, nil without the header.
        init?(request: Request, body: [UInt8], path: String) throws {
            guard let header = request.headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
            guard (1...200).contains(header.count), header.allSatisfy({ $0.isASCII && !$0.isWhitespace || $0 == " " }) else {
                throw APIError.badRequest("Idempotency-Key must be 1 to 200 printable ASCII characters")
            }
            key = header
            requestHash = SHA256.digest(Array("POST /api/v1/\(path)\n".utf8) + body)
        }

        /// Takes the key; returns the stored response to replay, or nil to go on.
        func begin(on connection: PostgresConnection) async throws -> Response? {
            let row = try await connection.query(
                "select state, status, body from crm_api.idempotency_begin(\(key), \(requestHash)::bytea)", prepared: true)[0]
            let (state, status, body) = try row.decode((String, Int32?, String?).self)
            switch state {
            case "new":
                return nil
            case "replay":
                var response = JSONResponse.raw(body ?? "{}", status: HTTPResponse.Status(code: Int(status ?? 200)))
                response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
                return response
            case "mismatch":
                throw APIError.validation([
                    .init(field: "Idempotency-Key", message: "was used before with another request body; use a new key")
                ])
            default:
                throw APIError.conflict("a request with this Idempotency-Key is in progress; retry after it finishes")
            }
        }

        /// Stores the response with the write.
        func finish(_ row: RowResponse, on connection: PostgresConnection) async throws {
            _ = try await connection.query(
                "select crm_api.idempotency_finish(\(key), \(requestHash)::bytea, \(Int32(row.status.code)), \(row.json))",
                prepared: true)
        }
    }
}

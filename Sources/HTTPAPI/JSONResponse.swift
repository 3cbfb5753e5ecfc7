import Foundation
import Hummingbird

/// JSON responses with the API's encoder and content type.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        raw(String(decoding: try JSONEncoder.api.encode(value), as: UTF8.self), status: status)
    }

    /// A JSON text produced elsewhere (e.g. by PostgreSQL's jsonb output).
    static func raw(_ json: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}

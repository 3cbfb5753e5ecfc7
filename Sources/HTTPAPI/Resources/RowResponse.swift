import Hummingbird

/// One row's JSON (built by PostgreSQL) as a response, with its version as the ETag.
struct RowResponse: Sendable {
    var json: String
    var version: String?
    var location: String
    var status: HTTPResponse.Status = .ok

    static func make(_ row: RowResponse) -> Response {
        var response = JSONResponse.raw(row.json, status: row.status)
        if let version = row.version { response.headers[.eTag] = "\"\(version)\"" }
        if row.status == .created { response.headers[.location] = row.location }
        return response
    }

    /// The row object with a `warnings` member added (e.g. similar client names).
    static func adding(warnings: [JSONValue], to json: String) -> String {
        guard json.hasSuffix("}") else { return json }
        let separator = json == "{}" ? "" : ","
        return String(json.dropLast()) + separator + "\"warnings\":" + JSONValue.array(warnings).jsonText + "}"
    }
}

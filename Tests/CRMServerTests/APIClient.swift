import Foundation
import PostgresClient
import TestSupport

/// One signed-in demo user talking to a `RunningServer`: JSON in, parsed JSON out.
struct APIClient {
    let server: RunningServer
    let token: String

    static func signIn(_ server: RunningServer, _ login: String) async throws -> APIClient {
        APIClient(server: server, token: try await server.token(login))
    }

    func call(_ method: String, _ path: String, _ body: String? = nil, headers: [String: String] = [:]) async throws -> APIResponse {
        APIResponse(try await server.call(method, path, token: token, body: body, headers: headers))
    }

    func get(_ path: String) async throws -> APIResponse { try await call("GET", path) }
    func post(_ path: String, _ body: String, headers: [String: String] = [:]) async throws -> APIResponse {
        try await call("POST", path, body, headers: headers)
    }
    func patch(_ path: String, _ body: String, headers: [String: String] = [:]) async throws -> APIResponse {
        try await call("PATCH", path, body, headers: headers)
    }

    /// Creates a row and returns its id (fails the test with the answer otherwise).
    func create(_ path: String, _ body: String) async throws -> Int64 {
        let response = try await post(path, body)
        guard response.status == 201, let id = response.id else {
            throw TestFailure("POST \(path) \(body): \(response.status) \(response.text)")
        }
        return id
    }
}

/// A response with its JSON parsed.
struct APIResponse: Sendable {
    let status: Int
    let text: String
    let headers: [String: String]

    init(_ response: HTTPTestResponse) {
        status = response.status
        text = response.body
        headers = response.headers
    }

    var json: [String: Any] { JSON.object(text) }

    var id: Int64? { (json["id"] as? NSNumber)?.int64Value }
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    var ids: [Int64] { items.compactMap { ($0["id"] as? NSNumber)?.int64Value } }
    var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
    var errorCode: String? { error["code"] as? String }
    var errorMessage: String { error["message"] as? String ?? "" }
    /// field → message of a 422.
    var fieldErrors: [String: String] {
        var out: [String: String] = [:]
        for item in error["fields"] as? [[String: Any]] ?? [] {
            if let field = item["field"] as? String { out[field] = item["message"] as? String ?? "" }
        }
        return out
    }
    subscript(_ key: String) -> Any? { json[key] }
    func string(_ key: String) -> String? { json[key] as? String }
    func int(_ key: String) -> Int64? { (json[key] as? NSNumber)?.int64Value }
}

/// Percent-encodes a query value (Cyrillic, spaces, &).
func urlQuery(_ value: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
}

/// Runs SQL as the database owner (no row-level security) on the server's database.
@discardableResult
func ownerQuery(_ server: RunningServer, _ query: PostgresQuery) async throws -> PostgresRows {
    let owner = try await OwnerConnection.open(server)
    defer { owner.close() }
    return try await owner.query(query)
}

import CRMServer
import Foundation
import Logging
import TestSupport
import Testing

@Suite(.stopsItsServers) struct TokensAndAuditAPITests {
    func call(
        _ server: RunningServer, _ method: String, _ path: String, token: String? = nil, body: String? = nil
    ) async throws -> HTTPTestResponse {
        let headers = token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
        let port = server.httpPort
        return try await TestPostgres.runBlocking {
            try HTTPTestResponse.fetch(port: port, method: method, path: path, headers: headers, body: body)
        }
    }

    func login(_ server: RunningServer, _ login: String) async throws -> String {
        let response = try await call(
            server, "POST", "/api/v1/auth/login", body: #"{"login":"\#(login)","password":"\#(RunningServer.demoPassword)"}"#)
        let object = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        return try #require(object?["token"] as? String, "login of \(login) failed: \(response.body)")
    }

    func demoServer() async throws -> RunningServer {
        try await RunningServer.start(demo: true)
    }

    @Test func apiTokensAreNamedUsableListedAndRevocable() async throws {
        let server = try await demoServer()
        let session = try await login(server, "manager.msk")
        let created = try await call(server, "POST", "/api/v1/tokens", token: session, body: #"{"name":"1С обмен"}"#)
        #expect(created.status == 201, "\(created.body)")
        let object = try JSONSerialization.jsonObject(with: Data(created.body.utf8)) as? [String: Any]
        let apiToken = try #require(object?["token"] as? String)
        let id = try #require(object?["id"] as? Int)
        #expect(apiToken.hasPrefix("crm_a_"))

        let me = try await call(server, "GET", "/api/v1/me", token: apiToken)
        #expect(me.status == 200)
        #expect(me.body.contains("manager.msk"))
        let list = try await call(server, "GET", "/api/v1/tokens", token: session)
        #expect(list.body.contains("1С обмен"))
        #expect(!list.body.contains(apiToken), "the token itself is never listed")

        // Another user cannot revoke it; its owner can, and then it stops working.
        let other = try await login(server, "manager.spb")
        let foreign = try await call(server, "DELETE", "/api/v1/tokens/\(id)", token: other)
        #expect(foreign.status == 403 || foreign.status == 404, "\(foreign.status) \(foreign.body)")
        #expect(try await call(server, "GET", "/api/v1/me", token: apiToken).status == 200)
        #expect(try await call(server, "DELETE", "/api/v1/tokens/\(id)", token: session).status == 204)
        #expect(try await call(server, "GET", "/api/v1/me", token: apiToken).status == 401)

        let invalid = try await call(
            server, "POST", "/api/v1/tokens", token: session, body: #"{"name":"","expires_at":"2000-01-01T00:00:00Z"}"#)
        #expect(invalid.status == 422)
        #expect(invalid.body.contains("\"name\"") && invalid.body.contains("expires_at"))
        try await server.stop()
    }

    @Test func adminsQueryTheAuditLogOthersCannot() async throws {
        let server = try await demoServer()
        _ = try await call(server, "POST", "/api/v1/auth/login", body: #"{"login":"manager.msk","password":"nope"}"#)
        let manager = try await login(server, "manager.msk")
        let admin = try await login(server, "admin")

        let failures = try await call(server, "GET", "/api/v1/audit?action=login_failed", token: admin)
        #expect(failures.status == 200, "\(failures.body)")
        let entries = try JSONSerialization.jsonObject(with: Data(failures.body.utf8)) as? [[String: Any]] ?? []
        #expect(entries.count == 1)
        #expect(entries.first?["client_ip"] as? String == "127.0.0.1")

        let logins = try await call(server, "GET", "/api/v1/audit?action=login&limit=1", token: admin)
        let newest = try JSONSerialization.jsonObject(with: Data(logins.body.utf8)) as? [[String: Any]] ?? []
        #expect(newest.count == 1)

        #expect(try await call(server, "GET", "/api/v1/audit", token: manager).status == 403)
        #expect(try await call(server, "GET", "/api/v1/audit").status == 401)
        let bad = try await call(server, "GET", "/api/v1/audit?user_id=x&from=yesterday&action=steal", token: admin)
        #expect(bad.status == 422)
        for field in ["user_id", "from", "action"] { #expect(bad.body.contains("\"\(field)\""), "\(bad.body)") }
        try await server.stop()
    }
}

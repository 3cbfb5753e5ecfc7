import Foundation
import TestSupport
import Testing

/// The login history over HTTP: every attempt (when, from where, which client, success or the
/// reason), read by the user themself and by administrators only.
@Suite("Login history", .stopsItsServers)
struct LoginHistoryTests {
    @Test func attemptsAreListedForTheUserAndAdministratorsOnly() async throws {
        let server = try await RunningServer.start(demo: true)
        let agent = ["User-Agent": "history-test/1.0"]
        #expect(try await server.login("manager.msk", password: "wrong-password", headers: agent).status == 401)
        let manager = APIClient(server: server, token: try await server.token("manager.msk", headers: agent))
        let console = try AdminConsoleClient(server)
        try await console.signIn()

        let mine = try await manager.get("/api/v1/me/logins")
        #expect(mine.status == 200, "\(mine.text)")
        let items = mine.items
        try #require(items.count == 2, "\(mine.text)")
        // Newest first: the success, then the wrong password.
        #expect(items[0]["success"] as? Bool == true && items[0]["reason"] is NSNull)
        #expect(items[0]["client"] as? String == "api" && items[0]["ip"] as? String == "127.0.0.1")
        #expect(items[0]["user_agent"] as? String == "history-test/1.0")
        #expect(items[1]["success"] as? Bool == false && items[1]["reason"] as? String == "bad_password")
        #expect(items[1]["client"] as? String == "api")
        #expect((items[0]["at"] as? String)?.isEmpty == false)
        let paged = try await manager.get("/api/v1/me/logins?limit=1")
        #expect(paged.items.count == 1)
        let older = try await manager.get("/api/v1/me/logins?before_id=\(paged.items[0]["id"] as? Int ?? 0)")
        #expect(older.items.count == 1 && older.items[0]["success"] as? Bool == false)
        #expect(try await manager.get("/api/v1/me/logins?limit=0").status == 422)

        let managerID = try #require(try await server.me(manager.token).body["id"] as? Int)
        // The user themself by id, an administrator, and nobody else.
        #expect(try await manager.get("/api/v1/users/\(managerID)/logins").items.count == 2)
        let admin = try await APIClient.signIn(server, "admin")
        let seenByAdmin = try await admin.get("/api/v1/users/\(managerID)/logins")
        #expect(seenByAdmin.status == 200 && seenByAdmin.items.count == 2)
        let junior = try await APIClient.signIn(server, "junior.msk")
        let refused = try await junior.get("/api/v1/users/\(managerID)/logins")
        #expect(refused.status == 403 && refused.error["reason"] as? String == "login_history_forbidden", "\(refused.text)")
        #expect(try await admin.get("/api/v1/users/99999999/logins").status == 404)

        // The console's sign-in is recorded as such.
        let adminLogins = try await admin.get("/api/v1/me/logins").items
        #expect(adminLogins.contains { $0["client"] as? String == "console" && $0["user_agent"] as? String == "admin console" })
    }
}

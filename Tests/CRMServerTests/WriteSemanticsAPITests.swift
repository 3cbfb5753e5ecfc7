import Foundation
import PostgresClient
import Testing

/// Writes: idempotency keys (replay, another body → 422, concurrent → 409), optimistic
/// concurrency (ETag / If-Match → 412), PATCH clearing a nullable field, nothing half-written.
@Suite("Write semantics", .serialized, .stopsItsServers)
struct WriteSemanticsAPITests {
    @Test("Idempotency-Key: the same key and body replay the first response; another body is a 422")
    func idempotencyReplays() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let body = #"{"title": "Идемпотентная сделка", "amount": "777.70"}"#
        let first = try await manager.post("/api/v1/deals", body, headers: ["Idempotency-Key": "order-42"])
        #expect(first.status == 201)
        let again = try await manager.post("/api/v1/deals", body, headers: ["Idempotency-Key": "order-42"])
        #expect(again.status == 201)
        #expect(again.text == first.text)
        #expect(again.headers["idempotent-replayed"] == "true")
        let other = try await manager.post("/api/v1/deals", #"{"title": "Другая"}"#, headers: ["Idempotency-Key": "order-42"])
        #expect(other.status == 422)
        #expect(other.fieldErrors["Idempotency-Key"] != nil)
        let count = try await ownerQuery(server, "select count(*) from crm.deals where title = 'Идемпотентная сделка'")[0]
            .decode(Int64.self, at: 0)
        #expect(count == 1)
        // Keys are per user: another user's same key is a new request.
        let colleague = try await APIClient.signIn(server, "head.msk")
        #expect(try await colleague.post("/api/v1/deals", body, headers: ["Idempotency-Key": "order-42"]).status == 201)
        // A failed request does not use up its key.
        var response = try await manager.post("/api/v1/deals", #"{"title": ""}"#, headers: ["Idempotency-Key": "retry-me"])
        #expect(response.status == 422)
        response = try await manager.post("/api/v1/deals", #"{"title": ""}"#, headers: ["Idempotency-Key": "retry-me"])
        #expect(response.status == 422)
        #expect(response.headers["idempotent-replayed"] == nil)
        response = try await manager.post("/api/v1/deals", body, headers: ["Idempotency-Key": String(repeating: "x", count: 201)])
        #expect(response.status == 400)
        try await server.stop()
    }

    @Test("Idempotency-Key: a request while the same key is in progress is a 409; then the first response replays")
    func idempotencyConcurrent() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let uid = try await ownerQuery(server, "select id from crm.users where login = 'manager.msk'")[0].decode(Int64.self, at: 0)
        let body = #"{"title": "Параллельная сделка"}"#
        // Hold the key's lock as a request in progress would.
        let holder = try await OwnerConnection.open(server)
        _ = try await holder.query("begin")
        _ = try await holder.query("select pg_advisory_xact_lock(hashtextextended('idempotency:' || \(uid) || ':' || 'same-key', 0))")
        let busy = try await manager.post("/api/v1/deals", body, headers: ["Idempotency-Key": "same-key"])
        #expect(busy.status == 409, "\(busy.text)")
        _ = try await holder.query("commit")
        holder.close()
        // Many at once: exactly one deal; every answer is the one 201 (first or replayed) or 409.
        let answers = try await withThrowingTaskGroup(of: APIResponse.self) { group in
            for _ in 0..<8 {
                group.addTask { try await manager.post("/api/v1/deals", body, headers: ["Idempotency-Key": "burst"]) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let created = answers.filter { $0.status == 201 }
        #expect(!created.isEmpty)
        #expect(Set(created.map(\.text)).count == 1, "one response, replayed")
        #expect(answers.allSatisfy { $0.status == 201 || $0.status == 409 }, "\(answers.map(\.status))")
        let count = try await ownerQuery(server, "select count(*) from crm.deals where title = 'Параллельная сделка'")[0]
            .decode(Int64.self, at: 0)
        #expect(count == 1)
        try await server.stop()
    }

    @Test("ETag and If-Match: a stale write is a 412 and changes nothing; PATCH null clears a field")
    func optimisticConcurrency() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let created = try await manager.post("/api/v1/deals", #"{"title": "Версии", "expected_close_date": "2026-12-31"}"#)
        let id = try #require(created.id)
        #expect(created.headers["etag"] == "\"1\"")
        #expect(created.headers["location"] == "/api/v1/deals/\(id)")
        var response = try await manager.patch("/api/v1/deals/\(id)", #"{"title": "Версии 2"}"#, headers: ["If-Match": "\"1\""])
        #expect(response.status == 200)
        #expect(response.headers["etag"] == "\"2\"")
        response = try await manager.patch("/api/v1/deals/\(id)", #"{"title": "Потерянное изменение"}"#, headers: ["If-Match": "\"1\""])
        #expect(response.status == 412)
        #expect(response.errorMessage.contains("version 2"))
        #expect(try await manager.get("/api/v1/deals/\(id)").string("title") == "Версии 2")
        #expect(try await manager.call("DELETE", "/api/v1/deals/\(id)", headers: ["If-Match": "\"1\""]).status == 412)
        response = try await manager.patch("/api/v1/deals/\(id)", #"{"expected_close_date": null}"#)
        #expect(response.status == 200)
        #expect(response["expected_close_date"] is NSNull)
        response = try await manager.patch("/api/v1/deals/\(id)", #"{"title": null, "id": 5, "version": 1}"#)
        #expect(response.status == 422)
        #expect(Set(response.fieldErrors.keys) == ["title", "id", "version"])
        response = try await manager.patch("/api/v1/deals/\(id)", "{}")
        #expect(response.status == 422)
        response = try await manager.patch("/api/v1/deals/\(id)", #"{"title": "x"}"#, headers: ["If-Match": "nonsense"])
        #expect(response.status == 400)
        let head = try await APIClient.signIn(server, "head.msk")
        #expect(try await head.call("DELETE", "/api/v1/deals/\(id)", headers: ["If-Match": "\"2\""]).status == 412)
        #expect(try await head.call("DELETE", "/api/v1/deals/\(id)", headers: ["If-Match": "\"3\""]).status == 204)
        #expect(try await manager.get("/api/v1/deals/\(id)").status == 404)
        try await server.stop()
    }

    @Test("malformed bodies are refused with where they break; nothing is written")
    func malformedBodies() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        for (body, status) in [
            ("{", 400), (#"{"title": "a", "title": "b"}"#, 400), ("[1]", 422), (#"{"title": "x\u0000"}"#, 422),
            (#"{"title": "ok", "amount": 1e3}"#, 422), (#"{"title": "ok", "amount": "-5"}"#, 422),
        ] {
            let response = try await manager.post("/api/v1/deals", body)
            #expect(response.status == status, "\(body): \(response.text)")
        }
        let count = try await ownerQuery(server, "select count(*) from crm.deals where title in ('ok', 'a', 'b')")[0].decode(
            Int64.self, at: 0)
        #expect(count == 0)
        try await server.stop()
    }
}

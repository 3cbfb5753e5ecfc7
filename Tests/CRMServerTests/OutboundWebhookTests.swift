import Credentials
import Foundation
import PostgresClient
import Testing

/// Webhooks out: events of the outbound log POSTed to subscribed URLs, signed, retried with
/// back-off, never sent twice.
@Suite("Outbound webhooks", .serialized, .stopsItsServers)
struct OutboundWebhookTests {
    static let secret = "test-secret-0123456789"

    static func subscribe(_ server: RunningServer, url: String, kinds: [String]) async throws -> Int64 {
        let admin = try await APIClient.signIn(server, "admin")
        let kindsJSON = kinds.map { "\"\($0)\"" }.joined(separator: ", ")
        let response = try await admin.post(
            "/api/v1/webhook-subscriptions",
            """
            {"name": "Приёмник", "url": "\(url)", "event_kinds": [\(kindsJSON)], "secret": "\(secret)"}
            """)
        guard response.status == 201, let id = response.id else {
            throw TestFailure("POST /api/v1/webhook-subscriptions: \(response.status) \(response.text)")
        }
        #expect(response.string("secret") == secret, "the secret is shown at creation")
        return id
    }

    @Test("a lead's event reaches the subscribed receiver once, signed with HMAC-SHA256 of the body")
    func signedDelivery() async throws {
        let receiver = try await WebhookReceiver.start()
        let server = try await RunningServer.start(demo: true)
        let subscription = try await Self.subscribe(server, url: receiver.url, kinds: ["lead_arrived"])
        let admin = try await APIClient.signIn(server, "admin")
        let shown = try await admin.get("/api/v1/webhook-subscriptions/\(subscription)")
        #expect(shown.status == 200 && shown["secret"] == nil, "the secret is not shown again")
        let manager = try await APIClient.signIn(server, "manager.msk")
        #expect(
            try await manager.post("/api/v1/webhook-subscriptions", #"{"name": "x", "url": "http://127.0.0.1:1/", "event_kinds": ["*"]}"#)
                .status == 403)
        let badURL = try await admin.post(
            "/api/v1/webhook-subscriptions", #"{"name": "y", "url": "ftp://example.ru/", "event_kinds": ["*"]}"#)
        #expect(badURL.status == 422 && badURL.fieldErrors["url"] != nil, "\(badURL.text)")

        let (_, token) = try await InboundWebhookTests.integration(server, name: "Сайт", kind: "web_form", responsible: "manager.msk")
        let lead = try await server.call(
            "POST", "/api/v1/inbound/leads", token: token, body: #"{"event_id": "w-1", "name": "Вера Вебхукова", "phone": "+79160007788"}"#)
        #expect(lead.status == 200, "\(lead.body)")
        try await ownerQuery(server, "select crm_private.emit_event('deal_moved', '{}')")  // not subscribed
        #expect(try await InboundWebhookTests.eventually { await receiver.received.count >= 1 })
        try await Task.sleep(for: .seconds(2.5))
        let received = await receiver.received
        #expect(received.count == 1, "delivered once, and only the subscribed kind")
        guard let delivery = received.first else { return }
        #expect(delivery.headers["x-crm-event"] == "lead_arrived")
        #expect(delivery.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(delivery.headers["x-crm-signature"] == "sha256=" + HMACSHA256.hex(for: delivery.body, key: Array(Self.secret.utf8)))
        #expect(
            delivery.headers["x-crm-signature"] != "sha256=" + HMACSHA256.hex(for: delivery.body, key: Array("another-secret-000000".utf8)))
        let body = (try? JSONSerialization.jsonObject(with: Data(delivery.body))) as? [String: Any] ?? [:]
        #expect(body["kind"] as? String == "lead_arrived")
        let deal = try await ownerQuery(server, "select id from crm.deals where title = 'Заявка: Вера Вебхукова'")[0].decode(
            Int64.self, at: 0)
        #expect(((body["data"] as? [String: Any])?["deal_id"] as? NSNumber)?.int64Value == deal)
        let deliveryID = delivery.headers["x-crm-delivery"].flatMap { Int64($0) } ?? 0
        let row = try await ownerQuery(
            server, "select status, attempts, last_status_code from crm_private.webhook_deliveries where id = \(deliveryID)")
        let (status, attempts, code) = try row[0].decode((String, Int32, Int32?).self)
        #expect(status == "delivered" && attempts == 1 && code == 200)
        try await server.stop()
        try await receiver.stop()
    }

    @Test("a receiver answering 500 twice and then 200 gets the delivery on the third attempt, after 1 s and 2 s, and no more")
    func retriesWithBackoff() async throws {
        let receiver = try await WebhookReceiver.start(script: [500, 500])
        let server = try await RunningServer.start(demo: true)
        _ = try await Self.subscribe(server, url: receiver.url, kinds: ["*"])
        try await ownerQuery(server, #"select crm_private.emit_event('deal_moved', '{"deal_id": 1}')"#)
        #expect(try await InboundWebhookTests.eventually(20) { await receiver.received.count >= 3 })
        try await Task.sleep(for: .seconds(3))
        let received = await receiver.received
        #expect(received.count == 3, "no attempt after the success")
        #expect(Set(received.compactMap { $0.headers["x-crm-delivery"] }).count == 1, "one delivery")
        #expect(received.map { $0.headers["x-crm-attempt"] ?? "" } == ["1", "2", "3"])
        if received.count == 3 {
            #expect(received[1].at.timeIntervalSince(received[0].at) >= 0.9, "the first retry waits 1 s")
            #expect(received[2].at.timeIntervalSince(received[1].at) >= 1.9, "the second retry waits 2 s")
        }
        let row = try await ownerQuery(server, "select status, attempts, last_status_code from crm_private.webhook_deliveries")
        #expect(row.count == 1)
        let (status, attempts, code) = try row[0].decode((String, Int32, Int32?).self)
        #expect(status == "delivered" && attempts == 3 && code == 200)
        try await server.stop()
        try await receiver.stop()
    }

    @Test("a receiver that never answers 2xx: the delivery fails after the last attempt and is kept with its error")
    func givesUp() async throws {
        let receiver = try await WebhookReceiver.start(script: Array(repeating: 503, count: 100))
        let server = try await RunningServer.start(demo: true)
        _ = try await Self.subscribe(server, url: receiver.url, kinds: ["*"])
        try await ownerQuery(server, "select crm_private.emit_event('deal_moved', '{}')")
        // The default maximum is 10 attempts; jump close to it instead of waiting minutes.
        #expect(try await InboundWebhookTests.eventually { await receiver.received.count >= 1 })
        try await ownerQuery(server, "update crm_private.webhook_deliveries set attempts = 9, next_attempt_at = now()")
        #expect(
            try await InboundWebhookTests.eventually {
                try await InboundWebhookTests.count(server, "select count(*) from crm_private.webhook_deliveries where status = 'failed'")
                    == 1
            })
        let row = try await ownerQuery(server, "select attempts, last_status_code, last_error from crm_private.webhook_deliveries")
        let (attempts, code, error) = try row[0].decode((Int32, Int32?, String?).self)
        #expect(attempts == 10 && code == 503 && error == "HTTP 503")
        try await server.stop()
        try await receiver.stop()
    }

    @Test("two servers dispatching from one database never send one delivery twice")
    func twoDispatchers() async throws {
        let receiver = try await WebhookReceiver.start()
        let server = try await RunningServer.start(demo: true)
        let second = try await RunningServer.start(conninfo: server.ownerConninfo, migrate: false)
        _ = try await Self.subscribe(server, url: receiver.url, kinds: ["bulk"])
        try await ownerQuery(server, "select crm_private.emit_event('bulk', jsonb_build_object('n', g)) from generate_series(1, 40) g")
        #expect(try await InboundWebhookTests.eventually(20) { await receiver.received.count >= 40 })
        try await Task.sleep(for: .seconds(2))
        let received = await receiver.received
        #expect(received.count == 40)
        #expect(Set(received.compactMap { $0.headers["x-crm-delivery"] }).count == 40, "each delivery once")
        #expect(
            try await InboundWebhookTests.count(
                server, "select count(*) from crm_private.webhook_deliveries where status = 'delivered' and attempts = 1") == 40)
        try await second.stop()
        try await server.stop()
        try await receiver.stop()
    }
}

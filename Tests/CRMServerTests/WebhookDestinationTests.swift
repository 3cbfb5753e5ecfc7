import AccessControl
import CRMDomain
import Foundation
import Testing

/// Outbound webhooks refuse loopback, link-local and private destinations unless an
/// administrator allowed the network; tested only against loopback listeners.
@Suite("Webhook destinations", .serialized, .stopsItsServers)
struct WebhookDestinationTests {
    @Test func nonPublicAddressesAreRefusedUnlessTheirNetworkIsAllowed() async throws {
        let guardian = DestinationGuard()
        let expected: [(String, String?)] = [
            ("127.0.0.1", "loopback"), ("127.5.6.7", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
            ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("172.31.255.255", "private"), ("192.168.1.1", "private"),
            ("fd00::1", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("0.0.0.0", "unspecified"),
            ("100.64.0.1", "shared (carrier-grade NAT)"), ("224.0.0.1", "multicast"),
            ("8.8.8.8", nil), ("172.32.0.1", nil), ("2001:4860:4860::8888", nil), ("93.184.216.34", nil),
        ]
        for (address, kind) in expected {
            #expect(guardian.refusal(of: address) == kind, "\(address)")
        }
        let allowing = DestinationGuard(allowed: [IPNetwork("127.0.0.0/8")!, IPNetwork("::1")!])
        #expect(allowing.refusal(of: "127.0.0.1") == nil && allowing.refusal(of: "10.0.0.1") == "private")

        // Names are resolved and every address checked: localhost is loopback.
        await #expect(throws: DestinationGuard.Refusal.self) { try await guardian.check("http://localhost:9/hook") }
        await #expect(throws: DestinationGuard.Refusal.self) { try await guardian.check("http://[::1]:9/hook") }
        await #expect(throws: DestinationGuard.Refusal.badURL) { try await guardian.check("ftp://example.ru/") }
        // Allowed: a plain http URL goes to the checked address, with the original Host.
        let pinned = try await allowing.check("http://localhost:8080/hook?a=1")
        #expect(pinned.url == "http://127.0.0.1:8080/hook?a=1" || pinned.url == "http://[::1]:8080/hook?a=1", "\(pinned.url)")
        #expect(pinned.host == "localhost:8080")
        let literal = try await allowing.check("http://127.0.0.1:8080/hook")
        #expect(literal.url == "http://127.0.0.1:8080/hook" && literal.host == nil)
    }

    @Test func aLoopbackReceiverIsRefusedByDefaultAndReachedOnceAllowed() async throws {
        let receiver = try await WebhookReceiver.start()
        let server = try await RunningServer.start(demo: true, webhookAllowedNetworks: [])
        _ = try await OutboundWebhookTests.subscribe(server, url: receiver.url, kinds: ["deal_moved"])
        try await ownerQuery(server, "select crm_private.emit_event('deal_moved', '{}')")
        #expect(
            try await InboundWebhookTests.eventually(90) {
                // The attempt is counted when it is claimed and its error recorded after: wait for both.
                let rows = try await ownerQuery(
                    server, "select count(*) from crm_private.webhook_deliveries where attempts >= 1 and last_error is not null")
                return try rows[0].decode(Int64.self, at: 0) >= 1
            })
        let row = try await ownerQuery(server, "select status, last_error, last_status_code from crm_private.webhook_deliveries")
        let (status, error, code) = try row[0].decode((String, String?, Int32?).self)
        #expect(status == "pending" && code == nil)
        #expect(error?.contains("destination 127.0.0.1 is a loopback address") == true, "\(error ?? "")")
        #expect(await receiver.received.isEmpty, "nothing reached the loopback listener")
        try await server.stop()

        // The same database, a server that allows loopback: the retry is delivered, once.
        let allowed = try await RunningServer.start(
            conninfo: server.ownerConninfo, migrate: false, webhookAllowedNetworks: ["127.0.0.0/8"])
        #expect(try await InboundWebhookTests.eventually(90) { await receiver.received.count >= 1 })
        // The receiver answers before the dispatcher records the answer: wait for the record.
        #expect(
            try await InboundWebhookTests.eventually(30) {
                let delivered = try await ownerQuery(allowed, "select status from crm_private.webhook_deliveries")
                return try delivered[0].decode(String.self, at: 0) == "delivered"
            })
        #expect(await receiver.received.count == 1)
        try await allowed.stop()
        try await receiver.stop()
    }
}

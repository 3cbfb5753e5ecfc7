import AccessControl
import Testing

/// `ClientAddressResolver`: which address counts as the client's (the socket's peer unless it
/// is a trusted proxy; then the rightmost untrusted `X-Forwarded-For` hop).
@Suite("client address")
struct ClientAddressTests {
    let proxies = ClientAddressResolver(trustedProxies: ["127.0.0.1", "10.0.0.0/8", "::1"].compactMap(IPNetwork.init))

    @Test func untrustedPeerIgnoresTheHeader() {
        #expect(proxies.resolve(peer: "203.0.113.9", forwardedFor: ["10.1.2.3"]) == "203.0.113.9")
        #expect(ClientAddressResolver().resolve(peer: "127.0.0.1", forwardedFor: ["10.1.2.3"]) == "127.0.0.1")
    }

    @Test func trustedPeerTakesTheRightmostUntrustedHop() {
        #expect(proxies.resolve(peer: "127.0.0.1", forwardedFor: ["198.51.100.4"]) == "198.51.100.4")
        // The client wrote the left hop itself: only the hop our proxy appended counts.
        #expect(proxies.resolve(peer: "127.0.0.1", forwardedFor: ["1.1.1.1, 198.51.100.4"]) == "198.51.100.4")
        // Trusted proxies in the chain are skipped; several headers are one list.
        #expect(proxies.resolve(peer: "127.0.0.1", forwardedFor: ["198.51.100.4", "10.0.0.7"]) == "198.51.100.4")
        // Only proxies: the leftmost hop.
        #expect(proxies.resolve(peer: "127.0.0.1", forwardedFor: ["10.0.0.8, 10.0.0.7"]) == "10.0.0.8")
        // No header: the proxy itself.
        #expect(proxies.resolve(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
    }

    @Test func malformedHopsTrustNothingBeyondThem() {
        #expect(proxies.resolve(peer: "127.0.0.1", forwardedFor: ["198.51.100.4, not-an-ip"]) == "127.0.0.1")
        #expect(proxies.resolve(peer: "127.0.0.1", forwardedFor: ["unknown"]) == "127.0.0.1")
    }

    @Test func portsBracketsMappedAndZones() {
        #expect(proxies.resolve(peer: "127.0.0.1", forwardedFor: ["198.51.100.4:5123"]) == "198.51.100.4")
        #expect(proxies.resolve(peer: "::1", forwardedFor: ["[2001:db8::7]:443"]) == "2001:db8::7")
        #expect(proxies.resolve(peer: "::1", forwardedFor: ["2001:db8::7"]) == "2001:db8::7")
        // A dual-stack listener reports IPv4 peers as IPv4-mapped IPv6.
        #expect(proxies.resolve(peer: "::ffff:203.0.113.9", forwardedFor: []) == "203.0.113.9")
        #expect(proxies.resolve(peer: "::ffff:127.0.0.1", forwardedFor: ["198.51.100.4"]) == "198.51.100.4")
        #expect(proxies.resolve(peer: "127.0.0.1", forwardedFor: ["::ffff:198.51.100.4"]) == "198.51.100.4")
        #expect(proxies.resolve(peer: "fe80::1%eth0", forwardedFor: []) == "fe80::1")
    }
}

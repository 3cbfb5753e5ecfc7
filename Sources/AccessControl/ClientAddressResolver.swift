import Foundation

/// Finds the client's IP address: the socket's peer, unless the peer is a configured trusted
/// proxy; then the rightmost address in `X-Forwarded-For` that is not itself a trusted proxy.
/// A client cannot spoof its address through the header: an untrusted peer's header is ignored,
/// and addresses the client wrote to the left of the proxies' own entries are never reached.
public struct ClientAddressResolver: Sendable {
    public let trustedProxies: [IPNetwork]

    public init(trustedProxies: [IPNetwork] = []) {
        self.trustedProxies = trustedProxies
    }

    public func isTrusted(_ ip: String) -> Bool {
        trustedProxies.contains { $0.contains(ip) }
    }

    /// `peer` is the socket's address; `forwardedFor` the values of every `X-Forwarded-For` header.
    /// The result is a plain literal PostgreSQL's `inet` accepts: IPv4-mapped IPv6 addresses
    /// (`::ffff:10.1.2.3`, as a dual-stack listener reports IPv4 peers) become IPv4, so that
    /// IPv4 networks match them; zone ids (`fe80::1%eth0`) are dropped.
    public func resolve(peer: String?, forwardedFor: [String]) -> String? {
        resolveRaw(peer: peer.map(Self.normalize), forwardedFor: forwardedFor).map(Self.normalize)
    }

    /// `::ffff:a.b.c.d` → `a.b.c.d`; `fe80::1%eth0` → `fe80::1`; anything else unchanged.
    public static func normalize(_ address: String) -> String {
        var literal = String(address.split(separator: "%", maxSplits: 1).first ?? "")
        if literal.lowercased().hasPrefix("::ffff:") {
            let tail = String(literal.dropFirst(7))
            if tail.contains("."), IPNetwork.isAddress(tail) { literal = tail }
        }
        return literal.isEmpty ? address : literal
    }

    private func resolveRaw(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, isTrusted(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            let address = Self.stripPort(hop)
            guard IPNetwork.isAddress(address) else { return peer }  // a malformed hop: trust nothing past it
            if !isTrusted(address) { return address }
        }
        return hops.first.map(Self.stripPort).flatMap { IPNetwork.isAddress($0) ? $0 : nil } ?? peer
    }

    /// `[::1]:443` → `::1`; `1.2.3.4:80` → `1.2.3.4`; bare addresses unchanged.
    static func stripPort(_ hop: String) -> String {
        if hop.hasPrefix("["), let close = hop.firstIndex(of: "]") {
            return String(hop[hop.index(after: hop.startIndex)..<close])
        }
        if hop.filter({ $0 == ":" }).count == 1, let colon = hop.firstIndex(of: ":") {
            return String(hop[..<colon])
        }
        return hop
    }
}

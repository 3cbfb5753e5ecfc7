import AccessControl
import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an outbound webhook may go: its host is resolved and every address it resolves to is
/// checked; loopback, link-local, private and other non-public addresses are refused unless an
/// administrator allowed their network (`--webhook-allow-network`), so a subscription cannot make
/// the server call its own admin console, the database, a cloud metadata service or the office
/// network (server-side request forgery).
///
/// A plain `http://` URL is then sent to the checked address itself (with the original `Host`),
/// so a DNS answer that changes between the check and the connection cannot steer it elsewhere;
/// `https://` keeps the name for TLS, and the certificate must match it.
public struct DestinationGuard: Sendable {
    /// Networks that are not on the public internet, with the word for each.
    static let refused: [(IPNetwork, String)] =
        ([
            ("0.0.0.0/8", "unspecified"), ("127.0.0.0/8", "loopback"), ("::1/128", "loopback"), ("::/128", "unspecified"),
            ("169.254.0.0/16", "link-local"), ("fe80::/10", "link-local"),
            ("10.0.0.0/8", "private"), ("172.16.0.0/12", "private"), ("192.168.0.0/16", "private"), ("fc00::/7", "private"),
            ("100.64.0.0/10", "shared (carrier-grade NAT)"), ("192.0.0.0/24", "reserved"), ("198.18.0.0/15", "reserved"),
            ("224.0.0.0/4", "multicast"), ("ff00::/8", "multicast"), ("240.0.0.0/4", "reserved"),
        ] as [(String, String)]).map { (IPNetwork($0.0)!, $0.1) }

    /// Networks an administrator allowed although they are not public.
    public let allowed: [IPNetwork]

    public init(allowed: [IPNetwork] = []) {
        self.allowed = allowed
    }

    /// Why `url` may not be called, or nil.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case badURL
        case unresolvable(host: String)
        case address(String, kind: String)

        public var description: String {
            switch self {
            case .badURL: return "not an http(s) URL with a host"
            case .unresolvable(let host): return "the host \(host) does not resolve"
            case .address(let address, let kind):
                return "destination \(address) is a \(kind) address; an administrator can allow its network (webhook-allow-network)"
            }
        }
    }

    /// The kind of non-public network `address` is in (and not allowed), or nil when it may be called.
    public func refusal(of address: String) -> String? {
        if allowed.contains(where: { $0.contains(address) }) { return nil }
        return Self.refused.first { $0.0.contains(address) }?.1
    }

    /// The URL to connect to and the `Host` to send, after checking every address of the host.
    public func check(_ text: String) async throws -> (url: String, host: String?) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let rawHost = components.host, !rawHost.isEmpty
        else { throw Refusal.badURL }
        let host = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let addresses: [String]
        if IPNetwork.isAddress(host) {
            addresses = [host]
        } else {
            addresses = try await NIOThreadPool.singleton.runIfActive { Self.resolve(host) }
        }
        guard let first = addresses.first else { throw Refusal.unresolvable(host: host) }
        for address in addresses {
            if let kind = refusal(of: address) { throw Refusal.address(address, kind: kind) }
        }
        guard scheme == "http", !IPNetwork.isAddress(host) else { return (text, nil) }
        var pinned = components
        pinned.host = first.contains(":") ? "[\(first)]" : first
        guard let url = pinned.string else { throw Refusal.badURL }
        return (url, rawHost + (components.port.map { ":\($0)" } ?? ""))
    }

    /// Every address `host` resolves to (blocking: run it off the event loops).
    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let list = result else { return [] }
        defer { freeaddrinfo(list) }
        var out: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let address = entry.pointee.ai_addr,
                getnameinfo(address, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0
            {
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !out.contains(text) { out.append(text) }
            }
            cursor = entry.pointee.ai_next
        }
        return out
    }
}

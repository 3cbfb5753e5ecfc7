import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client for tests: connect, write bytes, read lines or everything to EOF.
/// Use it through `TestPostgres.runBlocking` or from tests that accept blocking briefly.
public final class SocketClient: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []

    public enum Failure: Error, CustomStringConvertible {
        case connect(String)
        case timeout
        public var description: String {
            switch self {
            case .connect(let reason): return "connect failed: \(reason)"
            case .timeout: return "timed out"
            }
        }
    }

    /// Connects to `host` (an IPv4 or IPv6 literal) and `port`, with a receive timeout.
    public init(host: String, port: Int, timeout: TimeInterval = 60) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw Failure.connect("cannot resolve \(host)")
        }
        defer { freeaddrinfo(result) }
        fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.connect(String(cString: strerror(errno))) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure.connect(reason)
        }
    }

    /// Connects to a Unix domain socket at `path`.
    public init(unixPath path: String, timeout: TimeInterval = 60) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.connect(String(cString: strerror(errno))) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw Failure.connect("socket path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard status == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure.connect(reason)
        }
    }

    deinit { close(fd) }

    /// Ends the connection in both directions now (the descriptor is closed at deinit).
    public func disconnect() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    public func write(_ text: String) throws { try write(Array(text.utf8)) }

    public func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { throw Failure.connect("send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    /// Reads one line (without its line end), or `nil` at EOF.
    public func readLine() throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill() else {
                if buffer.isEmpty { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
        }
    }

    /// Reads until the peer closes.
    public func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { buffer.removeAll() }
        return buffer
    }

    /// True when the peer has closed the connection (after any buffered data).
    public func isClosedByPeer() throws -> Bool {
        _ = try readToEnd()
        return true
    }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure.timeout }
            if errno == ECONNRESET { return false }
            throw Failure.connect("recv: \(String(cString: strerror(errno)))")
        }
        if count == 0 { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }
}

/// A minimal HTTP/1.1 exchange over `SocketClient` (one request per connection).
public struct HTTPTestResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: String

    /// Sends `method path` with optional headers and body (JSON unless a Content-Type header is
    /// given); reads the whole response.
    public static func fetch(
        host: String = "127.0.0.1", port: Int, method: String = "GET", path: String,
        headers: [String: String] = [:], body: String? = nil
    ) throws -> HTTPTestResponse {
        let client = try SocketClient(host: host, port: port, timeout: 60)
        var request = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
        // The tests read English messages unless they ask otherwise (an empty value sends no
        // Accept-Language at all: the server's default, Russian, or the user's setting).
        for (name, value) in headers where !value.isEmpty { request += "\(name): \(value)\r\n" }
        if !headers.keys.contains(where: { $0.lowercased() == "accept-language" }) { request += "Accept-Language: en\r\n" }
        if let body {
            request += "Content-Length: \(body.utf8.count)\r\n"
            if !headers.keys.contains(where: { $0.lowercased() == "content-type" }) { request += "Content-Type: application/json\r\n" }
        }
        request += "\r\n" + (body ?? "")
        try client.write(request)
        let raw = String(decoding: try client.readToEnd(), as: UTF8.self)
        guard let split = raw.range(of: "\r\n\r\n") else { throw SocketClient.Failure.connect("no HTTP response") }
        let head = raw[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var fields: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        var payload = String(raw[split.upperBound...])
        if fields["transfer-encoding"] == "chunked" { payload = Self.dechunk(payload) }
        return HTTPTestResponse(status: status, headers: fields, body: payload)
    }

    static func dechunk(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let end = rest.utf8.index(start, offsetBy: size)
            result += rest[start..<end]
            // The CRLF after the data, by bytes: a chunk ending in CRLF would make it one grapheme.
            rest = Substring(rest[end...].utf8.dropFirst(2))
        }
        return result
    }
}

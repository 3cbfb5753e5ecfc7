import Foundation
import TestSupport

/// One HTTP exchange with a binary body each way (a PDF download, a logo upload), on a
/// connection of its own.
struct BinaryHTTP {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]

    static func exchange(
        _ server: RunningServer, _ method: String, _ path: String, token: String, body: [UInt8]? = nil, contentType: String? = nil
    ) async throws -> BinaryHTTP {
        let (host, port) = (server.httpHost, server.httpPort)
        return try await TestPostgres.runBlocking {
            let client = try SocketClient(host: host, port: port, timeout: 120)
            var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
            if let body { head += "Content-Length: \(body.count)\r\n" }
            if let contentType { head += "Content-Type: \(contentType)\r\n" }
            try client.write(Array((head + "\r\n").utf8) + (body ?? []))
            let raw = try client.readToEnd()
            let separator: [UInt8] = [13, 10, 13, 10]
            guard let split = (0..<max(0, raw.count - 3)).first(where: { Array(raw[$0..<$0 + 4]) == separator }) else {
                throw TestFailure("no HTTP response")
            }
            let lines = String(decoding: raw[..<split], as: UTF8.self).components(separatedBy: "\r\n")
            var fields: [String: String] = [:]
            for line in lines.dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2 { fields[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
            var payload = Array(raw[(split + 4)...])
            if fields["transfer-encoding"] == "chunked" { payload = dechunk(payload) }
            let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            return BinaryHTTP(status: status, headers: fields, body: payload)
        }
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let end = (index..<bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                let size = Int(String(decoding: bytes[index..<end], as: UTF8.self), radix: 16), size > 0
            else { break }
            out += bytes[(end + 2)..<min(bytes.count, end + 2 + size)]
            index = end + 2 + size + 2
        }
        return out
    }

    /// A 180×60 PNG: a red emblem and a blue bar, the test company's logo.
    static let logo = Array(
        Data(
            base64Encoded:
                "iVBORw0KGgoAAAANSUhEUgAAALQAAAA8CAIAAABATAfQAAABG0lEQVR42u3csRHDIAxAUU+S2kNkxAyWrUiTNnfEYEDi/dME6J0b2xxF+tHhCASH4BAcgkNJcbwfp/OF40uhZpz4RjgqTVCyF47LLBDJjKMLC0QS4ugug48kOG6SwUd4HLfK4CMwjgEy+AiJY5gMPoLhGCyDjzA4psjgAw44IuOYKIMPOOCIiWO6DD7gaMVxPl+my8BhmnEsIqPGh6XCAQcccMABBxxwwAHHPjiWkgGHJwcccMABBxxwwAEHHHDAAYe3smYbHPKxj3xDSgYccITHUfy3AgccuoKj+FcWjqV82EokHMX9HHBM92EfUXEUd4LBMcWHTWTAUdxDCscYIhaQE0cjEUefH8e/Spz4jjgEh+CQ4BAcgkNd+wDSBna+Hk1GAAAAAABJRU5ErkJggg=="
        )!)
}

extension BinaryHTTP {
    /// The exchange as the JSON tests read it.
    var response: APIResponse {
        APIResponse(status: status, text: String(decoding: body, as: UTF8.self), headers: headers)
    }

    /// `POST /api/v1/deals/{deal}/documents` with `body` as `client`, on a socket that waits long
    /// enough for Chromium on a busy machine (and for requests queued behind the number's lock).
    static func makeDocument(_ client: APIClient, deal: Int64, _ body: String) async throws -> APIResponse {
        try await exchange(
            client.server, "POST", "/api/v1/deals/\(deal)/documents", token: client.token, body: Array(body.utf8),
            contentType: "application/json"
        ).response
    }
}

extension APIResponse {
    init(status: Int, text: String, headers: [String: String]) {
        self.status = status
        self.text = text
        self.headers = headers
    }
}

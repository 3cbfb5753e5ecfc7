import Foundation
import TestSupport

/// A Server-Sent Events client over a raw socket, read incrementally: the response head,
/// then events one at a time (chunked transfer decoded). Blocking: call it through
/// `TestPostgres.runBlocking` (the `async` wrappers do).
final class EventStreamClient: @unchecked Sendable {
    struct Event: Sendable, Equatable {
        var id: Int64?
        var event: String?
        var data: String

        var json: [String: Any] { JSON.object(data) }
        var payload: [String: Any] { json["payload"] as? [String: Any] ?? [:] }
        func payloadID(_ key: String) -> Int64? { (payload[key] as? NSNumber)?.int64Value }
    }

    let socket: SocketClient
    let status: Int
    let headers: [String: String]
    /// Comment lines (heartbeats) read so far.
    private(set) var heartbeats = 0
    private var chunked = false
    private var lines: [String] = []
    private var ended = false

    /// Connects and reads the response head. `lastEventID` goes in the `Last-Event-ID` header.
    init(port: Int, token: String?, lastEventID: Int64? = nil, query: String = "", timeout: TimeInterval = 20) throws {
        socket = try SocketClient(host: "127.0.0.1", port: port, timeout: timeout)
        var request = "GET /api/v1/events\(query) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        if let lastEventID { request += "Last-Event-ID: \(lastEventID)\r\n" }
        try socket.write(request + "\r\n")
        guard let statusLine = try socket.readLine() else { throw TestFailure("no response") }
        status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        var fields: [String: String] = [:]
        while let line = try socket.readLine(), !line.isEmpty {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        headers = fields
        chunked = fields["transfer-encoding"] == "chunked"
    }

    static func connect(
        _ server: RunningServer, token: String?, lastEventID: Int64? = nil, query: String = ""
    ) async throws
        -> EventStreamClient
    {
        let port = server.httpPort
        return try await TestPostgres.runBlocking {
            try EventStreamClient(port: port, token: token, lastEventID: lastEventID, query: query)
        }
    }

    /// The next event (comments such as heartbeats are counted, not returned); nil when the
    /// stream ended. Throws `SocketClient.Failure.timeout` when nothing comes in time.
    func next() throws -> Event? {
        var event = Event(id: nil, event: nil, data: "")
        var hasData = false
        while let line = try bodyLine() {
            if line.isEmpty {
                if hasData { return event }
                continue
            }
            if line.hasPrefix(":") {
                heartbeats += 1
                continue
            }
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let field = String(parts[0])
            var value = parts.count > 1 ? String(parts[1]) : ""
            if value.hasPrefix(" ") { value.removeFirst() }
            switch field {
            case "id": event.id = Int64(value)
            case "event": event.event = value
            case "data":
                event.data += hasData ? "\n" + value : value
                hasData = true
            default: break
            }
        }
        return nil
    }

    func nextEvent() async throws -> Event? {
        try await TestPostgres.runBlocking { try self.next() }
    }

    /// Reads events until the stream ends (true) or nothing comes for the socket's timeout.
    func waitForEnd() async throws -> Bool {
        try await TestPostgres.runBlocking {
            while try self.next() != nil {}
            return true
        }
    }

    /// One line of the body (chunked transfer decoded); nil at the end of the body.
    private func bodyLine() throws -> String? {
        if !chunked { return ended ? nil : try socket.readLine() }
        while lines.isEmpty {
            if ended { return nil }
            guard let sizeLine = try socket.readLine() else {
                ended = true
                return nil
            }
            if sizeLine.isEmpty { continue }
            guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw TestFailure("bad chunk size '\(sizeLine)'") }
            if size == 0 {
                ended = true
                return nil
            }
            var consumed = 0
            while consumed < size {
                guard let line = try socket.readLine() else { throw TestFailure("body ended inside a chunk") }
                consumed += line.utf8.count + 1
                lines.append(line)
            }
            _ = try socket.readLine()  // the CRLF after the chunk's data
        }
        return lines.removeFirst()
    }
}

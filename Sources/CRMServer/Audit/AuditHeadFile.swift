import Foundation

/// An append-only file of chain heads (one JSON object a line), outside the database.
public struct AuditHeadFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Appends `head` with the current time.
    public func append(_ head: AuditChain.Head) throws {
        struct Line: Encodable {
            var time: String
            var seq: Int64
            var id: Int64
            var hash: String
        }
        let line = Line(time: ISO8601DateFormatter().string(from: Date()), seq: head.seq, id: head.id, hash: head.hash)
        var data = try JSONEncoder().encode(line)
        data.append(UInt8(ascii: "\n"))
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }

    /// Every head recorded so far (unreadable lines are skipped).
    public func read() -> [AuditChain.Head] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(AuditChain.Head.self, from: Data($0.utf8)) }
    }
}

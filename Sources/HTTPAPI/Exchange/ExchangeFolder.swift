import CRMDomain
import Credentials
import Foundation

/// The files 1C sends in one exchange session: a folder per session (named by the session
/// token's hash) and exchange type, under `base`. Every call runs its file I/O on a thread of
/// its own (`BlockingWork`), never on an event loop or Swift's cooperative pool.
struct ExchangeFolder: Sendable {
    let base: String

    func folder(token: String, type: String) -> String {
        base + "/" + String(Hex.encode(SHA256.digest(token)).prefix(32)) + "/" + type
    }

    /// The file name 1C gives, as a path inside the folder: folders such as
    /// `import_files/ab/abcd.png` are fine; an absolute path, `..`, an empty or `.` part, a
    /// control character or a name over 500 bytes is refused.
    static func relativePath(_ name: String?) throws -> String {
        guard let name, !name.isEmpty else { throw CommerceMLError.fail("the file name is missing (filename=…)") }
        let clean = name.replacingOccurrences(of: "\\", with: "/")
        guard clean.utf8.count <= 500, !clean.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw CommerceMLError.fail("the file name \(name) is not allowed")
        }
        let parts = clean.split(separator: "/", omittingEmptySubsequences: false)
        guard !clean.hasPrefix("/"), !clean.contains(":"), parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw CommerceMLError.fail("the file name \(name) leaves the exchange folder")
        }
        return clean
    }

    /// A fresh, empty folder (mode=init).
    static func reset(_ folder: String) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: folder) { try manager.removeItem(atPath: folder) }
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Appends `bytes` to `folder/path` (its folders made as needed): the parts of a file come
    /// in order, one call each.
    static func append(_ bytes: [UInt8], to path: String, in folder: String) throws {
        let full = folder + "/" + path
        let directory = (full as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = open(full, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw ExchangeIOError("cannot open \(full): errno \(errno)") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw ExchangeIOError("cannot write \(full): errno \(errno)") }
            offset += written
        }
    }
}

/// A failure of the exchange folder (logged; 1C reads a general reason).
struct ExchangeIOError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

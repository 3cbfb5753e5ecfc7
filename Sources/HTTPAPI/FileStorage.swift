import Foundation

/// Where uploaded file content goes: PostgreSQL (`folder == nil`) or a folder, one file per
/// content named by its SHA-256 (written to a temporary name, synced, then renamed: a crash
/// never leaves half a file under a real name).
public struct FileStorage: Sendable {
    public let folder: String?
    public let maximumBytes: Int

    public init(folder: String?, maximumBytes: Int) {
        self.folder = folder
        self.maximumBytes = maximumBytes
    }

    /// Writes `bytes` under `name` in the folder unless it is there already; returns the path.
    func store(_ bytes: [UInt8], name: String) throws -> String {
        guard let folder else { preconditionFailure("store called without a folder") }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        if FileManager.default.fileExists(atPath: path) { return path }
        let temporary = path + ".tmp-\(UUID().uuidString)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw FileStorageError("cannot create \(temporary): errno \(errno)") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else {
                unlink(temporary)
                throw FileStorageError("cannot write \(temporary): errno \(errno)")
            }
            offset += written
        }
        guard fsync(fd) == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw FileStorageError("cannot store \(path): errno \(errno)")
        }
        return path
    }

    func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw FileStorageError("file content missing: \(path)") }
        return Array(data)
    }
}

/// A failure of the file folder (answered as a 500; the details go to the log).
struct FileStorageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

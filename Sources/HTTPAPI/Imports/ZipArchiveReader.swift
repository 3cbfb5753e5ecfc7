import CZlib
import Foundation

/// Reads the entries of a ZIP file (what an .xlsx is) through its central directory: names,
/// and the content of one entry, stored or deflated, written to a file. Blocking file I/O: call
/// it on a thread of its own. ZIP64 (files over 4 GB) is not read.
struct ZipArchiveReader {
    struct Entry {
        let name: String
        let method: UInt16
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    let path: String
    let entries: [Entry]
    /// The largest entry unpacked (a "zip bomb" stops here).
    static let entryLimit = 2 << 30

    init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportFileError.fail("cannot open the uploaded file") }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        let tail = min(size, 65_557)
        try handle.seek(toOffset: UInt64(size - tail))
        let end = [UInt8](try handle.read(upToCount: tail) ?? Data())
        guard let eocd = Self.lastIndex(of: [0x50, 0x4B, 0x05, 0x06], in: end), eocd + 22 <= end.count else {
            throw ImportFileError.fail("not an .xlsx file: the ZIP directory is missing (is the file cut short?)")
        }
        let count = Int(Self.u16(end, eocd + 10))
        let directorySize = Int(Self.u32(end, eocd + 12))
        let directoryOffset = Int(Self.u32(end, eocd + 16))
        guard directoryOffset + directorySize <= size else {
            throw ImportFileError.fail("not an .xlsx file: the ZIP directory is missing (is the file cut short?)")
        }
        try handle.seek(toOffset: UInt64(directoryOffset))
        let directory = [UInt8](try handle.read(upToCount: directorySize) ?? Data())
        var entries: [Entry] = []
        var at = 0
        for _ in 0..<count {
            guard at + 46 <= directory.count, Self.u32(directory, at) == 0x0201_4B50 else {
                throw ImportFileError.fail("not an .xlsx file: the ZIP directory is damaged")
            }
            let nameLength = Int(Self.u16(directory, at + 28))
            let extraLength = Int(Self.u16(directory, at + 30))
            let commentLength = Int(Self.u16(directory, at + 32))
            guard at + 46 + nameLength <= directory.count else {
                throw ImportFileError.fail("not an .xlsx file: the ZIP directory is damaged")
            }
            entries.append(
                Entry(
                    name: String(decoding: directory[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self),
                    method: Self.u16(directory, at + 10), compressedSize: Int(Self.u32(directory, at + 20)),
                    size: Int(Self.u32(directory, at + 24)), localHeaderOffset: Int(Self.u32(directory, at + 42))))
            at += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }

    func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// Writes the content of `entry` to `destination`.
    func extract(_ entry: Entry, to destination: String) throws {
        guard let input = FileHandle(forReadingAtPath: path) else { throw ImportFileError.fail("cannot open the uploaded file") }
        defer { try? input.close() }
        try input.seek(toOffset: UInt64(entry.localHeaderOffset))
        let header = [UInt8](try input.read(upToCount: 30) ?? Data())
        guard header.count == 30, Self.u32(header, 0) == 0x0403_4B50 else {
            throw ImportFileError.fail("not an .xlsx file: the ZIP entry \(entry.name) is damaged")
        }
        try input.seek(toOffset: UInt64(entry.localHeaderOffset + 30 + Int(Self.u16(header, 26)) + Int(Self.u16(header, 28))))
        guard FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600]),
            let output = FileHandle(forWritingAtPath: destination)
        else { throw ImportFileError.fail("cannot unpack the uploaded file") }
        defer { try? output.close() }
        var remaining = entry.compressedSize
        switch entry.method {
        case 0:
            while remaining > 0 {
                let chunk = try input.read(upToCount: min(remaining, 1 << 20)) ?? Data()
                guard !chunk.isEmpty else { throw ImportFileError.fail("not an .xlsx file: the ZIP entry \(entry.name) is damaged") }
                try output.write(contentsOf: chunk)
                remaining -= chunk.count
            }
        case 8:
            var stream = z_stream()
            guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw ImportFileError.fail("cannot unpack the uploaded file")
            }
            defer { inflateEnd(&stream) }
            var out = [UInt8](repeating: 0, count: 1 << 18)
            var written = 0
            var finished = false
            while !finished {
                var chunk = [UInt8](try input.read(upToCount: min(max(remaining, 0), 1 << 18)) ?? Data())
                remaining -= chunk.count
                if chunk.isEmpty {
                    throw ImportFileError.fail("not an .xlsx file: the ZIP entry \(entry.name) is damaged")
                }
                let count = chunk.count
                try chunk.withUnsafeMutableBufferPointer { input in
                    stream.next_in = input.baseAddress
                    stream.avail_in = UInt32(count)
                    repeat {
                        let status = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
                            stream.next_out = buffer.baseAddress
                            stream.avail_out = UInt32(buffer.count)
                            return inflate(&stream, Z_NO_FLUSH)
                        }
                        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                            throw ImportFileError.fail("not an .xlsx file: the ZIP entry \(entry.name) is damaged")
                        }
                        let produced = out.count - Int(stream.avail_out)
                        written += produced
                        guard written <= Self.entryLimit else { throw ImportFileError.fail("the .xlsx file unpacks to more than 2 GB") }
                        try output.write(contentsOf: out[0..<produced])
                        if status == Z_STREAM_END {
                            finished = true
                            break
                        }
                        if status == Z_BUF_ERROR { break }
                    } while stream.avail_out == 0
                }
            }
        default:
            throw ImportFileError.fail("the .xlsx file uses a ZIP compression that is not read (method \(entry.method))")
        }
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
    static func lastIndex(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        for i in stride(from: bytes.count - pattern.count, through: 0, by: -1) where bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
            return i
        }
        return nil
    }
}

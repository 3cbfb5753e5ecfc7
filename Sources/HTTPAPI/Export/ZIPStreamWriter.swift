/// Writes a ZIP archive (APPNOTE 6.3) front to back without seeking, for a response that streams:
/// each entry deflated as it comes, its CRC and sizes in a data descriptor after it, the central
/// directory at the end. The caller sends the bytes each call returns, in order.
/// (Entries and the archive stay below 4 GiB: no ZIP64.)
struct ZIPStreamWriter {
    private struct Written {
        let name: [UInt8]
        let offset: UInt32
        let crc: UInt32
        let compressed: UInt32
        let size: UInt32
    }

    private var written: [Written] = []
    private var offset = 0
    private var current: (name: [UInt8], offset: Int, deflater: Deflater)?
    /// DOS time and date of every entry (1 January 2026 00:00: the content is what matters).
    private let time: UInt16 = 0
    private let date: UInt16 = UInt16((2026 - 1980) << 9 | 1 << 5 | 1)
    /// Flags: 3 — sizes in a data descriptor; 11 — names in UTF-8.
    private let flags: UInt16 = 0x0008 | 0x0800

    /// Starts an entry: its local header.
    mutating func begin(_ name: String) -> [UInt8] {
        precondition(current == nil, "an entry is open")
        let nameBytes = Array(name.utf8)
        var out: [UInt8] = []
        out.le32(0x0403_4B50)
        out.le16(20)
        out.le16(flags)
        out.le16(8)
        out.le16(time)
        out.le16(date)
        out.le32(0)
        out.le32(0)
        out.le32(0)
        out.le16(UInt16(nameBytes.count))
        out.le16(0)
        out += nameBytes
        current = (nameBytes, offset, Deflater())
        offset += out.count
        return out
    }

    /// Content of the open entry.
    mutating func write(_ bytes: [UInt8]) -> [UInt8] {
        guard let current else { preconditionFailure("no entry is open") }
        let out = current.deflater.compress(bytes)
        offset += out.count
        return out
    }

    /// Ends the open entry: the rest of its data and its descriptor.
    mutating func end() -> [UInt8] {
        guard let (name, start, deflater) = current else { preconditionFailure("no entry is open") }
        var out = deflater.finish()
        out.le32(0x0807_4B50)
        out.le32(deflater.crc)
        out.le32(UInt32(deflater.outputSize))
        out.le32(UInt32(deflater.inputSize))
        written.append(
            Written(
                name: name, offset: UInt32(start), crc: deflater.crc, compressed: UInt32(deflater.outputSize),
                size: UInt32(deflater.inputSize)))
        current = nil
        offset += out.count
        return out
    }

    /// A whole entry at once.
    mutating func entry(_ name: String, _ text: String) -> [UInt8] {
        begin(name) + write(Array(text.utf8)) + end()
    }

    /// The central directory and its end record.
    mutating func finish() -> [UInt8] {
        precondition(current == nil, "an entry is open")
        var out: [UInt8] = []
        for entry in written {
            out.le32(0x0201_4B50)
            out.le16(20)
            out.le16(20)
            out.le16(flags)
            out.le16(8)
            out.le16(time)
            out.le16(date)
            out.le32(entry.crc)
            out.le32(entry.compressed)
            out.le32(entry.size)
            out.le16(UInt16(entry.name.count))
            out.le16(0)
            out.le16(0)
            out.le16(0)
            out.le16(0)
            out.le32(0)
            out.le32(entry.offset)
            out += entry.name
        }
        let directorySize = out.count
        out.le32(0x0605_4B50)
        out.le16(0)
        out.le16(0)
        out.le16(UInt16(written.count))
        out.le16(UInt16(written.count))
        out.le32(UInt32(directorySize))
        out.le32(UInt32(offset))
        out.le16(0)
        offset += out.count
        return out
    }
}

extension [UInt8] {
    mutating func le16(_ value: UInt16) {
        append(UInt8(value & 0xFF))
        append(UInt8(value >> 8))
    }
    mutating func le32(_ value: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) } }
}

import struct Foundation.Data

/// `bytea` text encoding (hex `\x...` out; hex or legacy escape format in).
enum Bytea {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(2 + bytes.count * 2)
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "x"))
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [UInt8] {
        let utf8 = Array(text.utf8)
        if utf8.starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "x")]) {
            guard utf8.count % 2 == 0 else { throw PostgresDecodingFailure("malformed hex bytea") }
            var out = [UInt8]()
            out.reserveCapacity(utf8.count / 2 - 1)
            var i = 2
            while i < utf8.count {
                guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else {
                    throw PostgresDecodingFailure("malformed hex bytea")
                }
                out.append(hi << 4 | lo)
                i += 2
            }
            return out
        }
        return try decodeEscape(utf8)
    }

    private static func decodeEscape(_ utf8: [UInt8]) throws -> [UInt8] {
        var out = [UInt8]()
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            if i + 1 < utf8.count, utf8[i + 1] == UInt8(ascii: "\\") {
                out.append(b)
                i += 2
                continue
            }
            guard i + 3 < utf8.count else {
                throw PostgresDecodingFailure("malformed escaped bytea")
            }
            var value = 0
            for j in 1...3 {
                let d = Int(utf8[i + j]) - 48
                guard (0...7).contains(d) else { throw PostgresDecodingFailure("malformed escaped bytea") }
                value = value * 8 + d
            }
            guard value < 256 else { throw PostgresDecodingFailure("malformed escaped bytea") }
            out.append(UInt8(value))
            i += 4
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }
}

extension Data: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .bytea }
    public static var postgresArrayType: PostgresDataType { .byteaArray }
    public var postgresText: String? { Bytea.hex(self) }
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = Data(try Bytea.decode(text))
    }
}

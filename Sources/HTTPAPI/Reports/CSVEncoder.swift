import Foundation
import NIOCore

/// Writes report rows as CSV that Excel opens with Cyrillic intact: UTF-8 with a byte order
/// mark, CRLF line ends, fields quoted when they hold the separator, a quote or a line break.
/// With `;` (the list separator of a Russian Windows) decimals are written with a comma.
/// Text cells that Excel would read as a formula (`=`, `+`, `-`, `@`) get a leading `'`.
struct CSVEncoder: Sendable {
    enum Separator: String, Sendable {
        case comma, semicolon

        var character: Character { self == .comma ? "," : ";" }
    }

    let columns: [ReportColumn]
    let separator: Separator

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The BOM and the header line.
    func header() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeBytes(Self.byteOrderMark)
        buffer.writeString(line(columns.map(\.name), kinds: columns.map { _ in .text }))
        return buffer
    }

    /// One row of text values (nil: NULL, an empty cell).
    func row(_ values: [String?]) -> String {
        line(values.map { $0 ?? "" }, kinds: columns.map(\.kind), nulls: values.map { $0 == nil })
    }

    private func line(_ values: [String], kinds: [ReportColumn.Kind], nulls: [Bool]? = nil) -> String {
        var out = ""
        for (index, raw) in values.enumerated() {
            if index > 0 { out.append(separator.character) }
            if nulls?[index] == true { continue }
            var value = raw
            let kind = kinds[index]
            if kind.isDecimal && separator == .semicolon {
                value = value.replacingOccurrences(of: ".", with: ",")
            } else if kind == .text, let first = value.first, "=+-@".contains(first) {
                value = "'" + value
            }
            out += quoted(value)
        }
        return out + "\r\n"
    }

    private func quoted(_ value: String) -> String {
        let needsQuotes =
            value.contains(separator.character) || value.contains("\"") || value.contains("\n")
            || value.contains("\r")
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

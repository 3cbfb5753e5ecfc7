/// Text helpers that keep replies on the line protocol's rails.
enum ConsoleText {
    /// The longest command word echoed back in an error, in characters.
    static let maxDisplayedWordLength = 64

    /// Whether a scalar is a C0/C1 control character or DEL.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// A command word made safe to echo: control characters stripped, at most 64 characters.
    static func displayWord(_ word: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: word.unicodeScalars.filter { !isControl($0) })
        return String(String(scalars).prefix(maxDisplayedWordLength))
    }

    /// Text forced onto one line: every control character (tab, CR, LF, ...) becomes a space.
    static func singleLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.map { isControl($0) ? " " : $0 })
        return String(scalars)
    }

    /// A table cell with `\`, tab, CR and LF escaped as `\\`, `\t`, `\r`, `\n`.
    static func escapeCell(_ cell: String) -> String {
        var escaped = ""
        escaped.unicodeScalars.reserveCapacity(cell.unicodeScalars.count)
        for scalar in cell.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\r": escaped += "\\r"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Text split at CRLF, LF or CR into lines (an empty text is one empty line).
    static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            if scalar == "\n" && previousWasCR { continue }
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        return lines
    }

    /// A multi-line body line with a leading `.` doubled, so no body line reads as the terminator.
    static func dotStuffed(_ line: String) -> String {
        line.hasPrefix(".") ? "." + line : line
    }
}

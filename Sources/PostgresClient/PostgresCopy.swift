/// Builds rows for `COPY ... FROM STDIN` in PostgreSQL's text format.
public enum PostgresCopy {
    /// One text-format line: fields separated by tabs, `\N` for NULL, backslash escapes for
    /// backslash, tab, newline and carriage return, terminated by a newline.
    /// Values use their PostgreSQL text form (`postgresText`); `nil` is NULL.
    public static func textRow(_ values: [(any PostgresEncodable)?]) -> String {
        var line = ""
        for (i, value) in values.enumerated() {
            if i > 0 { line += "\t" }
            guard let text = value?.postgresText else {
                line += "\\N"
                continue
            }
            appendEscaped(text, to: &line)
        }
        return line + "\n"
    }

    /// Escapes one field value for the text format.
    public static func escape(_ text: String) -> String {
        var out = ""
        appendEscaped(text, to: &out)
        return out
    }

    private static func appendEscaped(_ text: String, to out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{0B}": out += "\\v"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}

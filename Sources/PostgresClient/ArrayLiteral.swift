/// PostgreSQL text-format one-dimensional array literals: `{1,"a \"b\"",NULL}`.
enum ArrayLiteral {
    /// Formats elements, quoting every non-NULL element.
    static func format(_ elements: [String?]) -> String {
        var out = "{"
        for (i, element) in elements.enumerated() {
            if i > 0 { out += "," }
            guard let element else {
                out += "NULL"
                continue
            }
            out += "\""
            for ch in element.unicodeScalars {
                if ch == "\"" || ch == "\\" { out += "\\" }
                out.unicodeScalars.append(ch)
            }
            out += "\""
        }
        return out + "}"
    }

    /// Parses a one-dimensional literal into its elements (nil = NULL).
    static func parse(_ text: String) throws -> [String?] {
        var s = Array(text.unicodeScalars)[...]
        if s.first == "[" {  // explicit bounds: "[0:2]={...}"
            guard let eq = s.firstIndex(of: "=") else { throw malformed }
            s = s[(eq + 1)...]
        }
        guard s.popFirst() == "{" else { throw malformed }
        var elements: [String?] = []
        skipSpace(&s)
        if s.first == "}" {
            s.removeFirst()
            guard s.isEmpty else { throw malformed }
            return []
        }
        while true {
            skipSpace(&s)
            elements.append(try element(&s))
            skipSpace(&s)
            switch s.popFirst() {
            case ",": continue
            case "}":
                guard s.isEmpty else { throw malformed }
                return elements
            default: throw malformed
            }
        }
    }

    private static var malformed: PostgresDecodingFailure {
        PostgresDecodingFailure("malformed array literal")
    }

    private static func skipSpace(_ s: inout ArraySlice<Unicode.Scalar>) {
        while let c = s.first, c.properties.isWhitespace { s.removeFirst() }
    }

    private static func element(_ s: inout ArraySlice<Unicode.Scalar>) throws -> String? {
        var out = String.UnicodeScalarView()
        if s.first == "{" { throw PostgresDecodingFailure("multidimensional arrays are not supported") }
        if s.first == "\"" {
            s.removeFirst()
            while let c = s.popFirst() {
                switch c {
                case "\"": return String(out)
                case "\\":
                    guard let next = s.popFirst() else { throw malformed }
                    out.append(next)
                default: out.append(c)
                }
            }
            throw malformed
        }
        var escaped = false
        var trailingSpace = 0
        while let c = s.first, c != ",", c != "}" {
            s.removeFirst()
            if c == "\\" {
                guard let next = s.popFirst() else { throw malformed }
                out.append(next)
                escaped = true
                trailingSpace = 0
            } else {
                out.append(c)
                trailingSpace = c.properties.isWhitespace ? trailingSpace + 1 : 0
            }
        }
        var value = String(out)
        value.removeLast(trailingSpace)
        if value.isEmpty { throw malformed }
        if !escaped, value.uppercased() == "NULL" { return nil }
        return value
    }
}

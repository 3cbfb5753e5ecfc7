/// A message template with placeholders, matched against a finished English message to take
/// its values out, and rendered in another language with those values.
///
/// English side: `{}` marks a value. Translated side: `{1}`, `{2}` … put the values back in any
/// order; `{1:t}` translates the value as a message itself, `{1:l}` as a `; `-separated list of
/// messages, `{1:f}` as a field name (its label), `{1:w}` as a word of the catalogue's
/// vocabulary (a status, an entity).
struct MessagePattern: Sendable {
    /// The literal text around the placeholders: one more piece than there are values.
    let pieces: [String]

    init(_ english: String) {
        pieces = english.components(separatedBy: "{}")
    }

    var placeholderCount: Int { pieces.count - 1 }
    /// How specific the pattern is: the number of literal characters it fixes.
    var literalLength: Int { pieces.reduce(0) { $0 + $1.count } }

    /// The values of `message` when it has this pattern's shape (each value non-empty but a last
    /// one that ends the pattern; the
    /// shortest first value that lets the rest match, then the next).
    func match(_ message: String) -> [String]? {
        guard message.hasPrefix(pieces[0]) else { return nil }
        if pieces.count == 1 { return message == pieces[0] ? [] : nil }
        let rest = message[message.index(message.startIndex, offsetBy: pieces[0].count)...]
        return Self.match(Array(pieces.dropFirst()), in: rest)
    }

    private static func match(_ pieces: [String], in text: Substring) -> [String]? {
        let piece = pieces[0]
        if text.isEmpty && !(pieces.count == 1 && piece.isEmpty) { return nil }
        if pieces.count == 1 {
            // The last piece closes the message: the value is everything before it (a value
            // that ends the pattern may be empty: an optional tail such as " or to …").
            guard text.hasSuffix(piece), text.count > piece.count || piece.isEmpty else { return nil }
            return [String(text.dropLast(piece.count))]
        }
        var searchStart = text.index(after: text.startIndex)
        while searchStart <= text.endIndex, let found = text.range(of: piece, range: searchStart..<text.endIndex) {
            if let tail = match(Array(pieces.dropFirst()), in: text[found.upperBound...]) {
                return [String(text[..<found.lowerBound])] + tail
            }
            guard found.lowerBound < text.endIndex else { break }
            searchStart = text.index(after: found.lowerBound)
        }
        return nil
    }
}

/// A translated template: text with `{n}` / `{n:kind}` references to the English values.
struct MessageTemplate: Sendable {
    enum Part: Sendable {
        case text(String)
        case value(index: Int, kind: Character?)
    }

    let parts: [Part]

    init(_ template: String) {
        var parts: [Part] = []
        var text = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            text += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}"),
                case let inside = rest[rest.index(after: open)..<close],
                let index = Int(inside.prefix { $0.isNumber }), index > 0
            else {
                text.append("{")
                rest = rest[rest.index(after: open)...]
                continue
            }
            let kind = inside.split(separator: ":").dropFirst().first?.first
            if !text.isEmpty { parts.append(.text(text)) }
            text = ""
            parts.append(.value(index: index, kind: kind))
            rest = rest[rest.index(after: close)...]
        }
        text += rest
        if !text.isEmpty { parts.append(.text(text)) }
        self.parts = parts
    }

    /// The highest value index the template refers to.
    var highestIndex: Int {
        parts.reduce(0) { if case .value(let index, _) = $1 { return max($0, index) } else { return $0 } }
    }

    func render(_ values: [String], value: (String, Character?) -> String) -> String {
        parts.map { part in
            switch part {
            case .text(let text): return text
            case .value(let index, let kind): return index <= values.count ? value(values[index - 1], kind) : ""
            }
        }.joined()
    }
}

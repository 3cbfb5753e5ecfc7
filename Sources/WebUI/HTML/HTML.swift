/// A piece of HTML. Built by string interpolation: literal parts are markup, and every
/// interpolated `String` (or number) is escaped, so a value can never become markup. Only
/// another `HTML` is inserted as is — the way `PostgresQuery` makes SQL injection impossible
/// by construction.
public struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup.
    public private(set) var text: String

    /// Markup known to be safe (literals of this module); never call it with data.
    init(unsafeRaw text: String) {
        self.text = text
    }

    public init(stringLiteral value: String) {
        self.text = value
    }

    public init(stringInterpolation: StringInterpolation) {
        self.text = stringInterpolation.text
    }

    public var description: String { text }

    static let empty = HTML(unsafeRaw: "")

    /// `items` one after another.
    static func join(_ items: [HTML], separator: HTML = .empty) -> HTML {
        HTML(unsafeRaw: items.map(\.text).joined(separator: separator.text))
    }

    /// `body` when `condition` holds.
    static func when(_ condition: Bool, _ body: @autoclosure () -> HTML) -> HTML {
        condition ? body() : .empty
    }

    /// `items` as a list, or the `empty` text when there is none.
    static func items(_ items: [HTML], empty: String, id: String? = nil) -> HTML {
        if items.isEmpty { return "<p class=\"muted\">\(empty)</p>" }
        return "<ul class=\"items\"\(id.map { HTML(unsafeRaw: " id=\"" + HTML.escape($0) + "\"") } ?? .empty)>\(items)</ul>"
    }

    /// Escapes text for element content and double-quoted attribute values.
    public static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: String) { text += literal }
        public mutating func appendInterpolation(_ html: HTML) { text += html.text }
        public mutating func appendInterpolation(_ items: [HTML]) { for item in items { text += item.text } }
        public mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }
        public mutating func appendInterpolation(_ value: Substring) { text += HTML.escape(String(value)) }
        public mutating func appendInterpolation(_ value: String?) { text += HTML.escape(value ?? "") }
        public mutating func appendInterpolation<T: BinaryInteger>(_ value: T) { text += String(value) }
        public mutating func appendInterpolation<T: BinaryInteger>(_ value: T?) { text += value.map { String($0) } ?? "" }
    }
}

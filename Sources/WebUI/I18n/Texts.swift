/// The texts of one language: every user-visible string of the pages and scripts comes from
/// here (`Catalog+Russian.swift`, `Catalog+English.swift`), never from a template.
public struct Texts: Sendable {
    public let language: Language

    public subscript(_ key: TextKey) -> String {
        switch language {
        case .ru: return Self.russian[key] ?? key.rawValue
        case .en: return Self.english[key] ?? key.rawValue
        }
    }

    /// The catalogue of `language` (for the completeness test).
    public static func catalogue(_ language: Language) -> [TextKey: String] {
        language == .ru ? russian : english
    }

    /// A text with `{name}` placeholders filled in.
    public func format(_ key: TextKey, _ values: [String: String]) -> String {
        var text = self[key]
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }
}

/// A language of the interface: Russian first, English a switch away.
public enum Language: String, Sendable, CaseIterable {
    case ru
    case en

    /// The language of a stored locale (`ru-RU`, `en-GB`), Russian when unknown.
    init(locale: String?) {
        self = (locale?.lowercased().hasPrefix("en") ?? false) ? .en : .ru
    }

    /// The locale stored for the user when they choose this language.
    var locale: String {
        switch self {
        case .ru: return "ru-RU"
        case .en: return "en-GB"
        }
    }

    /// The catalogue of this language.
    var texts: Texts { Texts(language: self) }
}

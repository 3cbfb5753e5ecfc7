/// The messages of the API in every language it speaks. A message is written once, in English,
/// where the error is raised (Swift or SQL); this catalogue gives each its stable code and its
/// Russian text, the way gettext keys a translation by the source text. A message it does not
/// know stays as it is (and `LocalizationTests` fails on any written without an entry).
enum ErrorCatalogue {
    /// One message: its stable code, the English pattern, the Russian template.
    struct Entry: Sendable {
        let code: String
        let pattern: MessagePattern
        let english: String
        let russian: MessageTemplate
        /// How the English message is put to a person when its values need it (a field key as
        /// its label); nil: as it was raised.
        let englishTemplate: MessageTemplate?

        init(_ code: String, _ english: String, _ russian: String, en: String? = nil) {
            self.code = code
            self.english = english
            self.pattern = MessagePattern(english)
            self.russian = MessageTemplate(russian)
            self.englishTemplate = en.map(MessageTemplate.init)
        }
    }

    /// A message found in the catalogue: its entry and the values taken out of it.
    struct Match {
        let entry: Entry
        let values: [String]
    }

    /// Messages without values by their text; the others most specific first.
    private static let exact: [String: Entry] = {
        var out: [String: Entry] = [:]
        for entry in entries where entry.pattern.placeholderCount == 0 && out[entry.english] == nil {
            out[entry.english] = entry
        }
        return out
    }()
    private static let patterned: [Entry] = entries.filter { $0.pattern.placeholderCount > 0 }
        .sorted { $0.pattern.literalLength > $1.pattern.literalLength }

    /// The entry whose pattern `message` has, if any.
    static func match(_ message: String) -> Match? {
        if let entry = exact[message] { return Match(entry: entry, values: []) }
        for entry in patterned {
            if let values = entry.pattern.match(message) { return Match(entry: entry, values: values) }
        }
        return nil
    }

    /// `message` in `language`, with its code when the catalogue knows it.
    static func translate(_ message: String, to language: MessageLanguage) -> (text: String, code: String?) {
        guard let found = match(message) else { return (message, nil) }
        let template: MessageTemplate
        switch language {
        case .en:
            guard let english = found.entry.englishTemplate else { return (message, code(of: found)) }
            template = english
        case .ru: template = found.entry.russian
        }
        return (template.render(found.values) { render($0, kind: $1, in: language) }, code(of: found))
    }

    /// The code of a message: a wrapper's (`login refused: {1:t}`, `'{1}': {2:t}`) is the code of
    /// the message it wraps, which says more.
    private static func code(of found: Match) -> String {
        for part in found.entry.russian.parts {
            if case .value(let index, "t") = part, index <= found.values.count, let inner = match(found.values[index - 1]) {
                return code(of: inner)
            }
        }
        return found.entry.code
    }

    /// A value put back into a translated message, as its kind asks.
    private static func render(_ value: String, kind: Character?, in language: MessageLanguage) -> String {
        switch kind {
        case "t": return translate(value, to: language).text
        case "l": return value.components(separatedBy: "; ").map { translate($0, to: language).text }.joined(separator: "; ")
        case "f": return FieldLabels.label(of: value, in: language)
        case "w": return Vocabulary.word(value, in: language)
        case "s": return Vocabulary.words(in: value, language: language)
        default: return value
        }
    }
}

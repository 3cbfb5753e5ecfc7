/// The language an error message is given in: Russian unless the caller asks for English.
public enum MessageLanguage: String, Sendable, CaseIterable {
    case ru
    case en

    /// The language of a stored locale (`ru-RU`, `en-GB`): English for `en…`, else Russian.
    public init(locale: String?) {
        self = (locale?.lowercased().hasPrefix("en") ?? false) ? .en : .ru
    }

    /// The first language of an `Accept-Language` header (RFC 9110 §12.5.4, by quality) that
    /// the server speaks; `nil` when the header names none of them (or is absent), so that
    /// the user's own setting decides.
    public init?(acceptLanguage header: String?) {
        guard let header, !header.isEmpty else { return nil }
        var best: (language: MessageLanguage, quality: Double, position: Int)?
        for (position, item) in header.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard quality > 0, let language = MessageLanguage(rawValue: primary) else { continue }
            if best == nil || quality > best!.quality { best = (language, quality, position) }
        }
        guard let best else { return nil }
        self = best.language
    }
}

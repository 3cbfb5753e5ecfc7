extension APIError {
    /// What the caller reads: the message in `language`, the stable code of that message, and
    /// the wrong fields each with its label and code — never a column or constraint name alone.
    struct Localized: Sendable {
        var message: String
        var reason: String?
        var fields: [FieldError]?
    }

    func localized(_ language: MessageLanguage) -> Localized {
        guard let fields else {
            let (text, reason) = ErrorCatalogue.translate(message, to: language)
            return Localized(message: text, reason: reason, fields: nil)
        }
        let answered = fields.map { field -> FieldError in
            let (text, code) = ErrorCatalogue.translate(field.message, to: language)
            return FieldError(
                field: field.field, message: text, label: field.label ?? FieldLabels.label(of: field.field, in: language),
                code: field.code ?? code)
        }
        var labels: [String] = []
        for field in answered where !labels.contains(field.label!) { labels.append(field.label!) }
        let summary = ErrorCatalogue.translate("invalid fields: \(labels.joined(separator: ", "))", to: language).text
        return Localized(message: summary, reason: "validation_failed", fields: answered)
    }
}

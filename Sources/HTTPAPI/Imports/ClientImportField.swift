/// A field of an imported client row, and the column headings that name it when no mapping is
/// given (compared lower-cased, `ё` as `е`, without spaces at the ends), as Russian and English
/// spreadsheets head them.
enum ClientImportField: String, CaseIterable, Sendable {
    case name, kind, inn, kpp, legalName = "legal_name", address, city
    case contactName = "contact_name", position, phone, email, notes, source

    var headings: [String] {
        switch self {
        case .name: return ["наименование", "название", "клиент", "компания", "организация", "name", "client", "company"]
        case .kind: return ["тип", "вид", "тип клиента", "kind", "type"]
        case .inn: return ["инн", "inn"]
        case .kpp: return ["кпп", "kpp"]
        case .legalName:
            return [
                "полное наименование", "юридическое наименование", "юридическое название", "юр. название", "юрлицо", "legal name",
                "legal_name",
            ]
        case .address: return ["адрес", "юридический адрес", "address"]
        case .city: return ["город", "населенный пункт", "территория", "регион", "city", "territory"]
        case .contactName: return ["контакт", "контактное лицо", "фио", "contact", "contact name", "contact_name"]
        case .position: return ["должность", "position"]
        case .phone: return ["телефон", "телефоны", "тел.", "тел", "мобильный", "phone", "phones", "telephone"]
        case .email: return ["e-mail", "email", "эл. почта", "электронная почта", "почта", "emails", "mail"]
        case .notes: return ["комментарий", "примечание", "заметки", "notes", "comment"]
        case .source: return ["источник", "source"]
        }
    }

    static func normalisedHeading(_ text: String) -> String {
        text.trimmingSpaces().lowercased().replacingOccurrences(of: "ё", with: "е")
    }

    /// Which column (0-based) holds each field: by `columns` (field → heading) when given, else
    /// by the headings' usual names. Throws naming what is wrong: an unknown field, a heading
    /// not in the file, a field mapped twice, no column for the client's name.
    static func columns(headings: [String], mapping columns: [String: String]?) throws -> [ClientImportField: Int] {
        let normalised = headings.map(normalisedHeading)
        var found: [ClientImportField: Int] = [:]
        var problems: [APIError.FieldError] = []
        if let columns {
            for (key, heading) in columns.sorted(by: { $0.key < $1.key }) {
                guard let field = ClientImportField(rawValue: key) else {
                    problems.append(.init(field: "columns.\(key)", message: "is not a field of a client row"))
                    continue
                }
                guard let index = normalised.firstIndex(of: normalisedHeading(heading)) else {
                    problems.append(.init(field: "columns.\(key)", message: "the file has no column headed «\(heading)»"))
                    continue
                }
                found[field] = index
            }
        } else {
            for field in allCases {
                if let index = normalised.firstIndex(where: { field.headings.contains($0) }), !found.values.contains(index) {
                    found[field] = index
                }
            }
        }
        if found[.name] == nil && problems.isEmpty {
            problems.append(.init(field: "columns.name", message: "no column holds the client's name (head it «Наименование» or map it)"))
        }
        if !problems.isEmpty { throw APIError.validation(problems) }
        return found
    }
}

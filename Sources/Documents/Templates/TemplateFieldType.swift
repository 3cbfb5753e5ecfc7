/// The type of a template field: how its value is printed and which filters it takes.
public enum TemplateFieldType: Sendable, Equatable {
    /// Plain text, escaped.
    case text
    /// An exact amount: `1 234 567,89`; `| sign` → `1 234 567,89 ₽`; `| words` → the amount in words.
    case money
    /// A quantity: `1 234,5` (no trailing zeros).
    case quantity
    /// A whole number.
    case integer
    /// A date: «2 декабря 2026 г.»; `| short` → `02.12.2026`.
    case date
    /// Yes or no, for `{{#if}}` (printed «да» / «нет»).
    case flag
    /// An image (the company's logo): an `<img>` element, or nothing when there is none.
    case image
    /// A list of rows, iterated with `{{#each name}}`; inside, the row's fields are `item.field`.
    case list(item: String)

    /// The filters this type takes after `|`.
    public var filters: [String] {
        switch self {
        case .money: return ["sign", "words"]
        case .date: return ["short"]
        default: return []
        }
    }

    var isList: Bool {
        if case .list = self { return true }
        return false
    }
}

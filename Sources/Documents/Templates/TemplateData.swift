/// The values a template is filled with, by field path: the typed twin of the field catalogue.
public indirect enum TemplateValue: Sendable, Equatable {
    case text(String)
    case money(Money)
    /// A quantity as its decimal text (`"12.500"`).
    case quantity(String)
    case integer(Int64)
    case date(RussianDate)
    case flag(Bool)
    /// An image as a `data:image/png;base64,…` URI.
    case image(String)
    case list([TemplateData])
    /// No value (a deal without a counterparty): prints nothing, false in `{{#if}}`.
    case none

    /// Whether `{{#if}}` takes its first branch: present, non-empty, non-zero, true.
    var isTruthy: Bool {
        switch self {
        case .text(let text), .quantity(let text), .image(let text): return !text.isEmpty
        case .money(let money): return money.minorUnits != 0
        case .integer(let number): return number != 0
        case .date: return true
        case .flag(let value): return value
        case .list(let rows): return !rows.isEmpty
        case .none: return false
        }
    }
}

/// Field path → value (`"deal.title"`, `"line.amount"` in a row).
public struct TemplateData: Sendable, Equatable {
    public var values: [String: TemplateValue]

    public init(_ values: [String: TemplateValue] = [:]) {
        self.values = values
    }

    public subscript(path: String) -> TemplateValue {
        get { values[path] ?? .none }
        set { values[path] = newValue }
    }
}

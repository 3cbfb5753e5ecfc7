/// Fills parsed template nodes with data: every value escaped and formatted by its type the
/// Russian way (amounts `1 234 567,89`, dates «2 декабря 2026 г.»).
public struct TemplateRenderer: Sendable {
    public init() {}

    public func render(_ nodes: [TemplateNode], data: TemplateData) -> String {
        var out = ""
        render(nodes, scopes: [data], into: &out)
        return out
    }

    private func render(_ nodes: [TemplateNode], scopes: [TemplateData], into out: inout String) {
        for node in nodes {
            switch node {
            case .literal(let text):
                out += text
            case .field(let path, let filter, _, _):
                out += Self.format(lookup(path, scopes), filter: filter)
            case .each(let list, _, let body):
                guard case .list(let rows) = lookup(list, scopes) else { continue }
                for row in rows { render(body, scopes: scopes + [row], into: &out) }
            case .conditional(let path, let then, let otherwise):
                render(lookup(path, scopes).isTruthy ? then : otherwise, scopes: scopes, into: &out)
            }
        }
    }

    private func lookup(_ path: String, _ scopes: [TemplateData]) -> TemplateValue {
        for scope in scopes.reversed() {
            if let value = scope.values[path] { return value }
        }
        return .none
    }

    /// The HTML of one value (escaped).
    static func format(_ value: TemplateValue, filter: String?) -> String {
        switch value {
        case .text(let text): return HTMLEscaping.escape(text)
        case .money(let money):
            switch filter {
            case "words": return HTMLEscaping.escape(AmountInWords.russian(money))
            case "sign": return RussianNumberFormat.moneyWithSign(money)
            default: return RussianNumberFormat.money(money)
            }
        case .quantity(let text): return HTMLEscaping.escape(RussianNumberFormat.decimal(text))
        case .integer(let number): return "\(number)"
        case .date(let date): return filter == "short" ? date.short : date.long
        case .flag(let value): return value ? "да" : "нет"
        case .image(let uri):
            guard uri.hasPrefix("data:image/png;base64,") || uri.hasPrefix("data:image/jpeg;base64,") else { return "" }
            return "<img class=\"logo\" alt=\"\" src=\"" + HTMLEscaping.escape(uri) + "\">"
        case .list, .none: return ""
        }
    }
}

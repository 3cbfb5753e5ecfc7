/// A query parameter of a report: how it is validated and cast, and the SQL expression used
/// when the caller leaves it out (a constant of the catalog, never user input).
struct ReportParameter: Sendable {
    enum Kind: Sendable {
        case date
        case id
        case positiveInteger(ClosedRange<Int>)
        case choice([String])
        case currency
    }

    let name: String
    let kind: Kind
    /// SQL used when the parameter is absent (`null` when it is simply optional).
    let defaultSQL: String
    let summary: String

    /// The SQL type the bound text is cast to.
    var sqlType: String {
        switch kind {
        case .date: "date"
        case .id: "bigint"
        case .positiveInteger: "int"
        case .choice, .currency: "text"
        }
    }

    /// The period's start; the first day of the current year by default.
    static let from = ReportParameter(
        name: "from", kind: .date, defaultSQL: "date_trunc('year', current_date)::date",
        summary: "first day of the period (YYYY-MM-DD); default: 1 January of this year")
    /// The period's end, inclusive; today by default.
    static let to = ReportParameter(
        name: "to", kind: .date, defaultSQL: "current_date", summary: "last day of the period, inclusive; default: today")
    static let asOf = ReportParameter(
        name: "as_of", kind: .date, defaultSQL: "current_date", summary: "the day the debts are aged at; default: today")
    static let responsible = ReportParameter(
        name: "responsible_id", kind: .id, defaultSQL: "null", summary: "only the deals of this responsible manager")

    static func id(_ name: String, default sql: String = "null", _ summary: String) -> ReportParameter {
        ReportParameter(name: name, kind: .id, defaultSQL: sql, summary: summary)
    }

    /// Checks the text of the parameter; the message of a 422 when it is wrong.
    func problem(_ text: String) -> String? {
        switch kind {
        case .date:
            return Self.isDate(text) ? nil : "'\(text.prefix(40))' is not a date YYYY-MM-DD"
        case .id:
            guard let value = Int64(text), value > 0 else { return "'\(text.prefix(40))' is not an id (a positive whole number)" }
            _ = value
            return nil
        case .positiveInteger(let range):
            guard let value = Int(text), range.contains(value) else {
                return "must be a whole number from \(range.lowerBound) to \(range.upperBound)"
            }
            return nil
        case .choice(let values):
            return values.contains(text) ? nil : "must be one of \(values.joined(separator: ", "))"
        case .currency:
            let isCode = text.count == 3 && text.unicodeScalars.allSatisfy { $0.value >= 65 && $0.value <= 90 }
            return isCode ? nil : "must be a currency code of three capital letters, e.g. RUB"
        }
    }

    /// A real calendar day written YYYY-MM-DD (years 1900–2999).
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1900...2999).contains(year), (1...12).contains(month), day >= 1
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }
}

extension ReportParameter {
    /// The type named in the catalog listing and the OpenAPI document.
    var typeName: String {
        switch kind {
        case .date: "date"
        case .id, .positiveInteger: "integer"
        case .choice: "choice"
        case .currency: "currency"
        }
    }
}

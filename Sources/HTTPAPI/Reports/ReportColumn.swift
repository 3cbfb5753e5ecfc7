/// One column of a report's answer: its name (as in the SQL function) and its type.
/// Money and ratios are exact decimals and travel as strings in JSON.
struct ReportColumn: Sendable {
    enum Kind: String, Sendable {
        case integer, money, decimal, text, date, timestamp, boolean

        /// Whether JSON carries the value as a string (exact decimals).
        var isDecimal: Bool { self == .money || self == .decimal }
    }

    let name: String
    let kind: Kind
    let summary: String

    init(_ name: String, _ kind: Kind, _ summary: String = "") {
        self.name = name
        self.kind = kind
        self.summary = summary
    }
}

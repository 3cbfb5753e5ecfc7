/// A calendar date as Russian documents write it: «2 декабря 2026 г.», or `02.12.2026`.
public struct RussianDate: Sendable, Equatable {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `"2026-12-02"` (a PostgreSQL date, or the date part of a timestamp text).
    public init?(iso text: String) {
        let parts = text.prefix(10).split(separator: "-")
        guard text.count >= 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else {
            return nil
        }
        self.init(year: y, month: m, day: d)
    }

    /// «2 декабря 2026 г.»
    public var long: String { "\(day) \(Self.genitiveMonths[month - 1]) \(year) г." }

    /// `02.12.2026`
    public var short: String {
        (day < 10 ? "0" : "") + "\(day)." + (month < 10 ? "0" : "") + "\(month).\(year)"
    }

    static let genitiveMonths = [
        "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
        "октября", "ноября", "декабря",
    ]
}

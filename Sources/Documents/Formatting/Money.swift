import Foundation

/// An exact amount of money in hundredths (kopecks, cents), as NUMERIC(18,2) holds it: parsed
/// from its decimal text, never through floating point.
public struct Money: Sendable, Equatable, Comparable {
    /// The amount in hundredths of the currency's unit.
    public let minorUnits: Int64
    public let currency: String

    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// `"1234567.89"`, `"15"`, `"0.5"`, `"-3.10"` → the amount; nil for anything else (more than
    /// two decimals, exponents, separators, beyond 16 integer digits).
    public init?(_ text: String, currency: String) {
        var digits = Substring(text.trimmingCharacters(in: [" "]))
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 16,
            whole.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : "00"
        guard !fraction.isEmpty, fraction.count <= 2, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if fraction.count == 1 { fraction += "0" }
        guard let units = Int64(whole), let hundredths = Int64(fraction) else { return nil }
        minorUnits = (units * 100 + hundredths) * (negative ? -1 : 1)
        self.currency = currency
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minorUnits < rhs.minorUnits }

    public static func + (lhs: Money, rhs: Money) -> Money {
        Money(minorUnits: lhs.minorUnits + rhs.minorUnits, currency: lhs.currency)
    }

    /// The whole units and the hundredths of the absolute amount.
    public var parts: (units: UInt64, hundredths: Int) {
        let magnitude = minorUnits.magnitude
        return (magnitude / 100, Int(magnitude % 100))
    }

    /// The decimal text as PostgreSQL writes it: `"1234567.89"`.
    public var decimalText: String {
        let (units, hundredths) = parts
        return (minorUnits < 0 ? "-" : "") + "\(units)." + (hundredths < 10 ? "0" : "") + "\(hundredths)"
    }
}

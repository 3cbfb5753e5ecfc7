/// The VAT of a document. Prices include VAT (the usual Russian B2B practice), so the tax is
/// the part `rate / (100 + rate)` of an amount, rounded half up to the kopeck per line; «Без НДС»
/// when the seller does not pay it (УСН without VAT).
public enum VATRate: Sendable, Equatable {
    case none
    case percent(Int)

    /// The rates Russian law knows in 2026 (22% standard, 10% reduced, 5% and 7% for УСН, 0%;
    /// 20% for documents of earlier periods), as stored: `"22"`, …, `"0"`, `"none"`.
    public static let codes = ["22", "20", "10", "7", "5", "0", "none"]

    public init?(code: String) {
        if code == "none" {
            self = .none
        } else if Self.codes.contains(code), let rate = Int(code) {
            self = .percent(rate)
        } else {
            return nil
        }
    }

    public var code: String {
        switch self {
        case .none: return "none"
        case .percent(let rate): return "\(rate)"
        }
    }

    /// The tax inside an amount that includes it (zero without VAT).
    public func included(in amount: Money) -> Money {
        guard case .percent(let rate) = self, rate > 0 else { return Money(minorUnits: 0, currency: amount.currency) }
        let divisor = Int64(100 + rate)
        let scaled = amount.minorUnits.magnitude * UInt64(rate) * 2 + UInt64(divisor)
        let tax = Int64(scaled / UInt64(2 * divisor))
        return Money(minorUnits: amount.minorUnits < 0 ? -tax : tax, currency: amount.currency)
    }

    /// The label of the VAT line under a table: «В том числе НДС (20%)», «Без НДС».
    public var label: String {
        switch self {
        case .none: return "Без НДС"
        case .percent(let rate): return "В том числе НДС (\(rate)%)"
        }
    }

    /// The rate for a table column: «20%», «без НДС».
    public var shortLabel: String {
        switch self {
        case .none: return "без НДС"
        case .percent(let rate): return "\(rate)%"
        }
    }
}

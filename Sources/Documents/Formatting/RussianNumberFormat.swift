/// Numbers as Russian documents print them: groups of three digits separated by a space (a
/// no-break space by default, so an amount never wraps), a decimal comma — `1 234 567,89`.
public enum RussianNumberFormat {
    /// The no-break space (U+00A0) between thousands.
    public static let noBreakSpace = "\u{00A0}"

    /// `1234567.89` → `1 234 567,89` (always two decimals).
    public static func money(_ amount: Money, separator: String = noBreakSpace) -> String {
        let (units, hundredths) = amount.parts
        return (amount.minorUnits < 0 ? "-" : "") + grouped(units, separator: separator) + ","
            + (hundredths < 10 ? "0" : "") + "\(hundredths)"
    }

    /// `1 234 567,89 ₽`, `15,00 $`, `3,50 €`.
    public static func moneyWithSign(_ amount: Money, separator: String = noBreakSpace) -> String {
        money(amount, separator: separator) + separator + CurrencyNames.of(amount.currency).sign
    }

    /// A whole number in groups: `1234567` → `1 234 567`.
    public static func grouped(_ number: UInt64, separator: String = noBreakSpace) -> String {
        let digits = Array(String(number))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += separator }
            out.append(digit)
        }
        return out
    }

    /// A decimal text (`"1234.500"`, `"2"`, `"-0.125"`) with grouped thousands, a comma and
    /// no trailing zeros: `1 234,5`, `2`, `-0,125`. Text that is not a plain decimal is returned as is.
    public static func decimal(_ text: String, separator: String = noBreakSpace) -> String {
        var body = Substring(text)
        let negative = body.first == "-"
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = UInt64(parts[0]),
            parts.count == 1 || parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return text }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (negative ? "-" : "") + grouped(whole, separator: separator) + (fraction.isEmpty ? "" : "," + fraction)
    }
}

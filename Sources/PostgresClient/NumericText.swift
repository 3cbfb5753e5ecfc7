/// A parsed finite NUMERIC literal: sign, significant digits and a power-of-ten exponent.
struct NumericText: Equatable {
    var negative: Bool
    /// Significant digits without leading or trailing zeros ("" for zero).
    var digits: String
    /// value = digits × 10^exponent
    var exponent: Int

    /// Parses `[+-]digits[.digits][e[+-]digits]`; returns nil for anything else.
    init?(_ text: String) {
        var chars = Substring(text)
        var negative = false
        if let first = chars.first, first == "-" || first == "+" {
            negative = first == "-"
            chars = chars.dropFirst()
        }
        var mantissa = chars
        var exponent = 0
        if let e = chars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let expText = chars[chars.index(after: e)...]
            guard let exp = Int(expText), abs(exp) < 100_000 else { return nil }
            exponent = exp
            mantissa = chars[..<e]
        }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let intPart = parts[0]
        let fracPart = parts.count > 1 ? parts[1] : ""
        guard !(intPart.isEmpty && fracPart.isEmpty),
            intPart.allSatisfy(\.isASCIIDigit), fracPart.allSatisfy(\.isASCIIDigit)
        else { return nil }
        var digits = Substring(intPart + fracPart).drop(while: { $0 == "0" })
        exponent -= fracPart.count
        while digits.last == "0" {
            digits = digits.dropLast()
            exponent += 1
        }
        if digits.isEmpty {
            negative = false
            exponent = 0
        }
        self.negative = negative
        self.digits = String(digits)
        self.exponent = exponent
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

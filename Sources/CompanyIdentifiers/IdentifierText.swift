/// Whose identifier it is: a company, or an individual entrepreneur (told apart by length).
public enum IdentifierHolder: Sendable, Equatable {
    case company
    case individual
}

/// Digits of `text` as numbers, or nil when anything else is in it.
func digits(of text: String) -> [Int]? {
    let values = text.unicodeScalars.map { Int($0.value) - 48 }
    return values.allSatisfy { (0...9).contains($0) } && !values.isEmpty ? values : nil
}

/// Σ digit × weight mod 11 mod 10, the check digit rule of ИНН.
func weightedCheckDigit(_ digits: ArraySlice<Int>, weights: [Int]) -> Int {
    zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11 % 10
}

extension String {
    /// Without surrounding spaces and tabs (what users paste around numbers).
    var trimmingSpaces: String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

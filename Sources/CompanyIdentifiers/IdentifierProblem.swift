/// Why a company identifier is not valid, in words a user can act on.
public enum IdentifierProblem: Error, Sendable, Equatable, CustomStringConvertible {
    case notDigits(name: String)
    case wrongLength(name: String, expected: String)
    case badChecksum(name: String)
    case badFormat(name: String, expected: String)

    public var description: String {
        switch self {
        case .notDigits(let name): return "\(name) must consist of digits only"
        case .wrongLength(let name, let expected): return "\(name) must have \(expected) digits"
        case .badChecksum(let name): return "\(name) has a wrong check digit (a typo?)"
        case .badFormat(let name, let expected): return "\(name) must look like \(expected)"
        }
    }
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

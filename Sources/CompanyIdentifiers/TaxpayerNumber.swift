/// ИНН, the taxpayer number: 10 digits for a company, 12 for an individual entrepreneur, each
/// with check digits (weights of the Federal Tax Service).
public struct TaxpayerNumber: Sendable, Equatable, CustomStringConvertible {
    public let value: String
    /// Whose number it is, by its length.
    public let holder: IdentifierHolder

    /// Validates `text` (surrounding spaces are ignored).
    public init(_ text: String) throws {
        let value = text.trimmingSpaces
        guard let numbers = digits(of: value) else { throw IdentifierProblem.notDigits(name: "ИНН") }
        switch numbers.count {
        case 10:
            guard weightedCheckDigit(numbers[0..<9], weights: [2, 4, 10, 3, 5, 9, 4, 6, 8]) == numbers[9] else {
                throw IdentifierProblem.badChecksum(name: "ИНН")
            }
            holder = .company
        case 12:
            let first = weightedCheckDigit(numbers[0..<10], weights: [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
            let second = weightedCheckDigit(numbers[0..<11], weights: [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
            guard first == numbers[10], second == numbers[11] else { throw IdentifierProblem.badChecksum(name: "ИНН") }
            holder = .individual
        default:
            throw IdentifierProblem.wrongLength(name: "ИНН", expected: "10 (company) or 12 (individual entrepreneur)")
        }
        self.value = value
    }

    public var description: String { value }
}

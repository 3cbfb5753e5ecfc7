/// ОГРН (13 digits, a company) or ОГРНИП (15 digits, an individual entrepreneur), the state
/// registration number. Its last digit is the rest of the number before it modulo 11 (ОГРН) or
/// 13 (ОГРНИП), modulo 10.
public struct StateRegistrationNumber: Sendable, Equatable, CustomStringConvertible {
    public let value: String
    /// Whose number it is, by its length.
    public let holder: IdentifierHolder

    public init(_ text: String) throws {
        let value = text.trimmingSpaces
        guard let numbers = digits(of: value) else { throw IdentifierProblem.notDigits(name: "ОГРН") }
        let modulus: Int
        switch numbers.count {
        case 13: (holder, modulus) = (.company, 11)
        case 15: (holder, modulus) = (.individual, 13)
        default: throw IdentifierProblem.wrongLength(name: "ОГРН", expected: "13 (ОГРН) or 15 (ОГРНИП)")
        }
        // The leading digits reach 14 places: reduce step by step instead of building the number.
        let rest = numbers.dropLast().reduce(0) { ($0 * 10 + $1) % modulus }
        guard rest % 10 == numbers.last else {
            throw IdentifierProblem.badChecksum(name: holder == .company ? "ОГРН" : "ОГРНИП")
        }
        self.value = value
    }

    public var description: String { value }
}

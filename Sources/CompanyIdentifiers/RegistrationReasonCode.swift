/// КПП, the registration reason code of a company's tax registration: 9 characters — the tax
/// office (4 digits), the reason (2 digits or capital Latin letters, used since 2019), and a
/// sequence number (3 digits). It has no check digit.
public struct RegistrationReasonCode: Sendable, Equatable, CustomStringConvertible {
    public let value: String

    public init(_ text: String) throws {
        let value = text.trimmingSpaces
        let scalars = Array(value.unicodeScalars)
        func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
        func isReason(_ s: Unicode.Scalar) -> Bool { isDigit(s) || ("A"..."Z").contains(s) }
        guard scalars.count == 9, scalars[0..<4].allSatisfy(isDigit), scalars[4..<6].allSatisfy(isReason),
            scalars[6..<9].allSatisfy(isDigit)
        else {
            throw IdentifierProblem.badFormat(name: "КПП", expected: "9 characters: 4 digits, 2 digits or capital Latin letters, 3 digits")
        }
        self.value = value
    }

    public var description: String { value }
}

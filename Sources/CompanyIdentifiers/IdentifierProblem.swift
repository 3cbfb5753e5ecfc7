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

/// A failure of the cryptographic library (never a wrong password: that is `false`).
public enum CredentialsError: Error, Sendable, CustomStringConvertible {
    case cryptoFailure(String)

    public var description: String {
        switch self {
        case .cryptoFailure(let call): return "libcrypto call \(call) failed"
        }
    }
}

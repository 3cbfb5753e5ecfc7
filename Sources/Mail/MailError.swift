/// What can go wrong building or sending a message. `description` is the reason recorded on
/// the e-mail (English, no secrets: never the password).
public enum MailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not an address SMTP can carry.
    case invalidAddress(String)
    /// No recipient at all.
    case noRecipients
    /// The connection could not be made or broke (DNS, refused, reset).
    case connectionFailed(String)
    /// The server did not answer in time.
    case timedOut(stage: String)
    /// TLS could not be set up (handshake, certificate) or STARTTLS is not offered.
    case tls(String)
    /// The server answered a command with an error reply (4xx transient, 5xx permanent).
    case rejected(stage: String, code: Int, text: String)
    /// The server said something that is not SMTP.
    case protocolViolation(String)

    /// A 5xx reply: trying again will not help (the message is marked failed at once).
    public var isPermanent: Bool {
        if case .rejected(_, let code, _) = self { return code >= 500 }
        if case .invalidAddress = self { return true }
        if case .noRecipients = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .invalidAddress(let address): return "not an e-mail address: \(address)"
        case .noRecipients: return "no recipients"
        case .connectionFailed(let reason): return "connection failed: \(reason)"
        case .timedOut(let stage): return "the SMTP server did not answer in time (\(stage))"
        case .tls(let reason): return "TLS: \(reason)"
        case .rejected(let stage, let code, let text): return "the SMTP server refused \(stage): \(code) \(text)"
        case .protocolViolation(let reason): return "not an SMTP answer: \(reason)"
        }
    }
}

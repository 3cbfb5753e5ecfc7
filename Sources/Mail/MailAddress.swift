import Foundation

/// One mailbox: an address (`ivanov@example.ru`) and an optional display name
/// («Иван Иванов»), written into headers with RFC 2047 when the name is not plain ASCII.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// `local@domain`, as given on the envelope (`MAIL FROM:<…>`, `RCPT TO:<…>`).
    public let address: String
    public let name: String?

    /// Checks the address loosely (one `@`, a dotted domain, no spaces, brackets or control
    /// characters): what SMTP can carry, not every mailbox RFC 5322 allows.
    public init(_ address: String, name: String? = nil) throws(MailError) {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        let forbidden: Set<Character> = ["<", ">", "(", ")", ",", ";", ":", "\\", "\"", "[", "]"]
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            trimmed.utf8.count <= 254,
            !trimmed.contains(where: { $0.isWhitespace || forbidden.contains($0) || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true })
        else {
            throw .invalidAddress(address)
        }
        self.address = trimmed
        let cleanName = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.name = (cleanName?.isEmpty ?? true) ? nil : cleanName
    }

    /// Parses `Name <address>` or a bare address (the configured sender).
    public init(parsing text: String) throws(MailError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
            try self.init(address, name: name)
        } else {
            try self.init(trimmed)
        }
    }

    /// The domain part (for the Message-ID).
    public var domain: String { String(address.split(separator: "@").last ?? "localhost") }

    /// The header form: `=?UTF-8?B?…?= <address>`, `"Plain Name" <address>` or `address`.
    public var headerValue: String {
        guard let name else { return address }
        let phrase = EncodedWord.phrase(name)
        // A long phrase puts the address on a line of its own.
        return phrase + (phrase.count + address.count > 60 ? "\r\n <" : " <") + address + ">"
    }

    public var description: String { headerValue }
}

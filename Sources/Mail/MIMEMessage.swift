import Foundation

/// A message ready for SMTP: headers (UTF-8 text as RFC 2047 encoded words), a UTF-8 text
/// body and attachments, both base64 in lines of 76, lines ending in CRLF. `rendered()` is
/// the exact bytes that go after `DATA` (before dot-stuffing).
public struct MIMEMessage: Sendable {
    public struct Attachment: Sendable, Equatable {
        public var fileName: String
        public var contentType: String
        public var content: [UInt8]

        public init(fileName: String, contentType: String, content: [UInt8]) {
            self.fileName = fileName
            self.contentType = contentType
            self.content = content
        }
    }

    public var from: MailAddress
    public var to: [MailAddress]
    public var replyTo: MailAddress?
    public var subject: String
    public var body: String
    public var attachments: [Attachment]
    /// Without the angle brackets: `crm.…@example.ru`.
    public var messageID: String
    public var date: Date

    public init(
        from: MailAddress, to: [MailAddress], replyTo: MailAddress? = nil, subject: String, body: String,
        attachments: [Attachment] = [], messageID: String, date: Date = Date()
    ) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.body = body
        self.attachments = attachments
        self.messageID = messageID
        self.date = date
    }

    /// A new Message-ID at the sender's domain.
    public static func makeMessageID(domain: String) -> String {
        "crm." + UUID().uuidString.lowercased() + "@" + domain
    }

    /// The message, CRLF line endings throughout.
    public func rendered() -> [UInt8] {
        var headers: [String] = [
            "From: " + from.headerValue,
            "To: " + to.map(\.headerValue).joined(separator: ",\r\n "),
        ]
        if let replyTo { headers.append("Reply-To: " + replyTo.headerValue) }
        headers += [
            "Subject: " + EncodedWord.unstructured(subject),
            "Date: " + Self.rfc5322(date),
            "Message-ID: <" + messageID + ">",
            "MIME-Version: 1.0",
        ]
        var out = ""
        let text = Self.base64Lines(Array(Self.crlf(body).utf8))
        if attachments.isEmpty {
            headers += ["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64"]
            out = headers.joined(separator: "\r\n") + "\r\n\r\n" + text
        } else {
            let boundary = "=_crm_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            headers.append("Content-Type: multipart/mixed;\r\n boundary=\"\(boundary)\"")
            out = headers.joined(separator: "\r\n") + "\r\n\r\nThis is a message in MIME format.\r\n"
            out += "--\(boundary)\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + text
            for attachment in attachments {
                let type =
                    attachment.contentType.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ";" })
                    ? "application/octet-stream" : attachment.contentType
                out += "--\(boundary)\r\n"
                out += "Content-Type: \(type);\r\n " + EncodedWord.parameter("name", attachment.fileName) + "\r\n"
                out += "Content-Disposition: attachment;\r\n " + EncodedWord.parameter("filename", attachment.fileName) + "\r\n"
                out += "Content-Transfer-Encoding: base64\r\n\r\n"
                out += Self.base64Lines(attachment.content)
            }
            out += "--\(boundary)--\r\n"
        }
        return Array(out.utf8)
    }

    /// Base64 in lines of 76 characters, each ending in CRLF.
    static func base64Lines(_ bytes: [UInt8]) -> String {
        let encoded = Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return encoded.isEmpty ? "" : encoded + "\r\n"
    }

    /// Every line break as CRLF.
    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
    }

    /// `Thu, 03 Dec 2026 21:05:00 +0000`.
    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

import Foundation
import Testing

@testable import Mail

@Suite("MIME messages")
struct MIMEMessageTests {
    /// The text of RFC 2047 encoded words, decoded as a reader would.
    static func decodeWords(_ header: String) -> String {
        var bytes: [UInt8] = []
        var rest = Substring(header)
        while let start = rest.range(of: "=?UTF-8?B?") {
            let after = rest[start.upperBound...]
            guard let end = after.range(of: "?=") else { break }
            bytes += [UInt8](Data(base64Encoded: String(after[..<end.lowerBound])) ?? Data())
            rest = after[end.upperBound...]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("a Russian subject becomes encoded words of at most 75 characters, cut between characters")
    func russianSubject() {
        let subject = "Счёт на оплату № 15 от 2 декабря 2026 г. — ООО «Ромашка», ёлки-палки 😀 и ещё немного текста"
        let encoded = EncodedWord.unstructured(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        for word in words {
            #expect(word.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            // Each word is whole UTF-8 on its own.
            let payload = String(word.dropFirst(10).dropLast(2))
            #expect(String(validating: [UInt8](Data(base64Encoded: payload)!), as: UTF8.self) != nil)
        }
        #expect(Self.decodeWords(encoded) == subject)
        #expect(EncodedWord.unstructured("Invoice 15") == "Invoice 15")
    }

    @Test("display names: quoted ASCII, encoded Cyrillic")
    func displayNames() throws {
        #expect(try MailAddress("a@b.ru", name: "Ivan \"the\" Smith").headerValue == "\"Ivan \\\"the\\\" Smith\" <a@b.ru>")
        let russian = try MailAddress("ivanov@example.ru", name: "Иван Иванов")
        #expect(russian.headerValue.hasSuffix(" <ivanov@example.ru>"))
        #expect(Self.decodeWords(russian.headerValue) == "Иван Иванов")
        let parsed = try MailAddress(parsing: "ООО «Ромашка» <sales@romashka.ru>")
        #expect(parsed.address == "sales@romashka.ru" && parsed.name == "ООО «Ромашка»" && parsed.domain == "romashka.ru")
        #expect(throws: MailError.invalidAddress("no at sign")) { try MailAddress("no at sign") }
        #expect(throws: MailError.self) { try MailAddress("a@b.ru>\r\nBcc: x@y.ru") }
    }

    @Test("dot-stuffing: a line starting with a dot gets another; line ends become CRLF; the end is CRLF.CRLF")
    func dotStuffing() {
        let input = Array("a\r\n.b\r\n..c\n.\r\nend".utf8)
        #expect(String(decoding: SMTPData.encode(input), as: UTF8.self) == "a\r\n..b\r\n...c\r\n..\r\nend\r\n.\r\n")
        #expect(String(decoding: SMTPData.encode(Array(".x\r\n".utf8)), as: UTF8.self) == "..x\r\n.\r\n")
    }

    @Test("a message with an attachment: CRLF lines of at most 78 characters, base64 parts, RFC 2231 file name")
    func rendered() throws {
        let pdf = (0..<5000).map { UInt8($0 % 251) }
        let message = MIMEMessage(
            from: try MailAddress(parsing: "Отдел продаж <sales@example.ru>"),
            to: [try MailAddress("client@example.com", name: "Пётр Петров"), try MailAddress("b@example.com")],
            subject: "Коммерческое предложение", body: "Добрый день!\nВо вложении КП.\n.\nС уважением",
            attachments: [.init(fileName: "КП № 7 от 3 декабря 2026 г.pdf", contentType: "application/pdf", content: pdf)],
            messageID: "crm.test@example.ru", date: Date(timeIntervalSince1970: 1_796_000_000))
        let text = String(decoding: message.rendered(), as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78, "\(line)") }
        #expect(text.contains("Message-ID: <crm.test@example.ru>\r\n"))
        #expect(text.contains("Date: Mon, 30 Nov 2026 00:53:20 +0000\r\n"))
        #expect(text.contains("filename*0*=UTF-8''%D0%9A%D0%9F"))
        #expect(text.contains("Content-Type: multipart/mixed;\r\n boundary=\"=_crm_"))
    }
}

import Credentials
import Foundation
import Mail
import TestSupport
import Testing

/// The SMTP client against a real SMTP server (aiosmtpd, started by the test).
@Suite("SMTP client", .serialized)
struct SMTPClientTests {
    static func message(to: [MailAddress], attachment: [UInt8] = []) throws -> MIMEMessage {
        MIMEMessage(
            from: try MailAddress(parsing: "ООО «Ромашка» <sales@romashka.ru>"), to: to,
            subject: "Счёт на оплату № 15 от 2 декабря 2026 г.", body: "Добрый день!\n\nСчёт во вложении.\nС уважением, Иван",
            attachments: attachment.isEmpty ? [] : [.init(fileName: "Счёт № 15.pdf", contentType: "application/pdf", content: attachment)],
            messageID: MIMEMessage.makeMessageID(domain: "romashka.ru"))
    }

    @Test("plain SMTP: the server gets the recipients, the Russian subject and body decoded, the attachment's bytes")
    func delivers() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let pdf = Array("%PDF-1.4\n".utf8) + (0..<20_000).map { UInt8(($0 * 7) % 256) }
        let to = [try MailAddress("petrov@client.ru", name: "Пётр Петров"), try MailAddress("buh@client.ru")]
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: server.port, security: .none))
        let answer = try await client.send(
            from: "sales@romashka.ru", to: to.map(\.address), message: try Self.message(to: to, attachment: pdf).rendered())
        #expect(answer.hasPrefix("250 "))
        let got = try await server.waitForDelivered(1)
        try #require(got.count == 1)
        let mail = got[0]
        #expect(mail.mail_from == "sales@romashka.ru")
        #expect(mail.rcpt_tos == ["petrov@client.ru", "buh@client.ru"])
        #expect(mail.subject == "Счёт на оплату № 15 от 2 декабря 2026 г.")
        #expect(mail.raw_subject.hasPrefix("Subject: =?UTF-8?B?"))
        #expect(mail.from == "ООО «Ромашка» <sales@romashka.ru>")
        #expect(mail.to.contains("Пётр Петров <petrov@client.ru>"))
        #expect(
            mail.body == "Добрый день!\r\n\r\nСчёт во вложении.\r\nС уважением, Иван"
                || mail.body == "Добрый день!\n\nСчёт во вложении.\nС уважением, Иван")
        try #require(mail.attachments.count == 1)
        #expect(mail.attachments[0].filename == "Счёт № 15.pdf")
        #expect(mail.attachments[0].content_type == "application/pdf")
        #expect(mail.attachments[0].size == pdf.count)
        #expect(mail.attachments[0].sha256 == Hex.encode(SHA256.digest(pdf)))
    }

    @Test("dot-stuffing end to end: lines starting with dots arrive as written")
    func dots() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let raw = "From: a@b.ru\r\nTo: c@d.ru\r\nSubject: dots\r\n\r\n.one\r\n..two\r\n.\r\nlast"
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: server.port, security: .none))
        try await client.send(from: "a@b.ru", to: ["c@d.ru"], message: Array(raw.utf8))
        _ = try await server.waitForDelivered(1)
        let received = String(decoding: try server.raw(1), as: UTF8.self)
        #expect(received.hasSuffix("\r\n\r\n.one\r\n..two\r\n.\r\nlast\r\n") || received.hasSuffix("\r\n\r\n.one\r\n..two\r\n.\r\nlast"))
    }

    @Test("STARTTLS with a login: TLS before AUTH, the server's certificate checked against the given CA")
    func startTLS() async throws {
        let server = try await SMTPTestServer.start(tls: true, auth: "crm:секрет-pass")
        defer { server.stop() }
        let to = [try MailAddress("petrov@client.ru")]
        let client = SMTPClient(
            configuration: .init(
                host: "localhost", port: server.port, security: .startTLS, username: "crm", password: "секрет-pass",
                trustRootsFile: server.certificateFile))
        try await client.send(from: "sales@romashka.ru", to: ["petrov@client.ru"], message: try Self.message(to: to).rendered())
        let got = try await server.waitForDelivered(1)
        #expect(got.first?.tls == true)
        #expect(got.first?.subject == "Счёт на оплату № 15 от 2 декабря 2026 г.")

        // The system's trust roots do not know the test CA: the handshake fails, nothing is sent.
        let untrusted = SMTPClient(configuration: .init(host: "localhost", port: server.port, security: .startTLS))
        await #expect {
            try await untrusted.send(from: "sales@romashka.ru", to: ["petrov@client.ru"], message: try Self.message(to: to).rendered())
        } throws: { error in
            guard let error = error as? MailError, case .tls = error else { return false }
            return !error.isPermanent
        }
        #expect(try server.delivered().count == 1)
    }

    @Test("TLS from the first byte (port 465 style) with a login; a plain client gets no SMTP greeting from it")
    func implicitTLS() async throws {
        let server = try await SMTPTestServer.start(implicitTLS: true, auth: "crm:секрет-pass")
        defer { server.stop() }
        let to = [try MailAddress("petrov@client.ru")]
        let client = SMTPClient(
            configuration: .init(
                host: "localhost", port: server.port, security: .tls, username: "crm", password: "секрет-pass",
                trustRootsFile: server.certificateFile))
        try await client.send(from: "sales@romashka.ru", to: ["petrov@client.ru"], message: try Self.message(to: to).rendered())
        let got = try await server.waitForDelivered(1)
        #expect(got.first?.tls == true && got.first?.authenticated == true)
        #expect(got.first?.subject == "Счёт на оплату № 15 от 2 декабря 2026 г.")
        // Speaking plain SMTP to it fails (the greeting never comes in clear), and nothing is sent.
        let plain = SMTPClient(configuration: .init(host: "127.0.0.1", port: server.port, security: .none, timeout: .seconds(3)))
        await #expect(throws: MailError.self) {
            try await plain.send(from: "a@b.ru", to: ["c@d.ru"], message: Array("Subject: x\r\n\r\ny".utf8))
        }
        #expect(try server.delivered().count == 1)
    }

    @Test("STARTTLS asked of a server that does not offer it: refused before anything is sent")
    func startTLSMissing() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: server.port, security: .startTLS))
        await #expect(throws: MailError.tls("the server does not offer STARTTLS")) {
            try await client.send(from: "a@b.ru", to: ["c@d.ru"], message: Array("Subject: x\r\n\r\ny".utf8))
        }
        #expect(server.attempts() == 0)
    }

    @Test("refusals: 451 is transient, 550 permanent, each with the server's text; a closed port is a connection failure")
    func refusals() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: server.port, security: .none))
        let message = Array("Subject: x\r\n\r\ny".utf8)
        try server.setMode("tempfail")
        await #expect {
            try await client.send(from: "a@b.ru", to: ["c@d.ru"], message: message)
        } throws: { error in
            guard let error = error as? MailError, case .rejected("the message", 451, let text) = error else { return false }
            return !error.isPermanent && text.contains("try again later")
        }
        try server.setMode("permfail")
        await #expect {
            try await client.send(from: "a@b.ru", to: ["c@d.ru"], message: message)
        } throws: { error in
            guard let error = error as? MailError, case .rejected(_, 550, let text) = error else { return false }
            return error.isPermanent && text.contains("refused by policy")
        }
        #expect(try server.delivered().isEmpty)
        let closed = SMTPClient(configuration: .init(host: "127.0.0.1", port: 1, security: .none, timeout: .seconds(5)))
        await #expect {
            try await closed.send(from: "a@b.ru", to: ["c@d.ru"], message: message)
        } throws: { error in
            guard let error = error as? MailError, case .connectionFailed = error else { return false }
            return !error.isPermanent
        }
    }
}

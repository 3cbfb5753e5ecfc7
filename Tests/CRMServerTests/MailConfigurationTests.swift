import CRMServer
import Mail
import Testing

/// The `smtp-*` settings: merged and checked like every other key.
@Suite("Mail configuration")
struct MailConfigurationTests {
    static func load(_ flags: [ConfigurationLoader.Key: String]) throws -> ServerConfiguration {
        try ConfigurationLoader(flags: flags, environment: [:], configFile: nil).load()
    }

    @Test("host and From give STARTTLS on 587 by default; tls 465; none 25; an explicit port wins")
    func defaults() throws {
        #expect(try Self.load([:]).mail == nil)
        let mail = try #require(try Self.load([.smtpHost: "smtp.example.ru", .smtpFrom: "ООО «Ромашка» <sales@romashka.ru>"]).mail)
        #expect(mail.smtp.security == .startTLS && mail.smtp.port == 587 && mail.smtp.host == "smtp.example.ru")
        #expect(mail.from.address == "sales@romashka.ru" && mail.from.name == "ООО «Ромашка»")
        #expect(try Self.load([.smtpHost: "h", .smtpFrom: "a@b.ru", .smtpSecurity: "TLS"]).mail?.smtp.port == 465)
        #expect(try Self.load([.smtpHost: "h", .smtpFrom: "a@b.ru", .smtpSecurity: "none"]).mail?.smtp.port == 25)
        #expect(try Self.load([.smtpHost: "h", .smtpFrom: "a@b.ru", .smtpPort: "2525"]).mail?.smtp.port == 2525)
        let login = try #require(try Self.load([.smtpHost: "h", .smtpFrom: "a@b.ru", .smtpUsername: "u", .smtpPassword: "p"]).mail)
        #expect(login.smtp.username == "u" && login.smtp.password == "p")
    }

    @Test("bad or half settings end with one line naming the key")
    func refusals() {
        func message(_ flags: [ConfigurationLoader.Key: String]) -> String {
            do {
                _ = try Self.load(flags)
                return "(accepted)"
            } catch {
                return "\(error)"
            }
        }
        #expect(message([.smtpHost: "h"]).contains("smtp-from is not"))
        #expect(message([.smtpFrom: "a@b.ru"]).contains("smtp-host is not"))
        #expect(message([.smtpHost: "h", .smtpFrom: "a@b.ru", .smtpSecurity: "ssl"]).contains("not one of starttls, tls, none"))
        #expect(message([.smtpHost: "h", .smtpFrom: "not an address"]).contains("is not an e-mail address"))
        #expect(message([.smtpHost: "h", .smtpFrom: "a@b.ru", .smtpUsername: "u"]).contains("smtp-password is not"))
        #expect(message([.smtpHost: "h", .smtpFrom: "a@b.ru", .smtpPort: "70000"]).contains("not a port number"))
        #expect(message([.smtpHost: "h", .smtpFrom: "a@b.ru", .smtpCAFile: "/nonexistent.pem"]).contains("not a readable file"))
    }
}

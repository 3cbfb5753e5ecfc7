import Mail

/// E-mail: the SMTP server, the From of every letter, and the sender service's timing.
public struct MailSettings: Sendable, Equatable {
    public var smtp: SMTPConfiguration
    /// `ООО «Ромашка» <sales@example.ru>`: the header From and the envelope sender.
    public var from: MailAddress
    /// How often due letters (retries) are looked for, besides NOTIFY crm_mail.
    public var scanInterval: Duration = .seconds(1)
    /// The first retry waits this long; each next one twice as long …
    public var backoffBase: Duration = .seconds(30)
    /// … but never longer than this.
    public var backoffCap: Duration = .seconds(3600)
    /// After this many attempts a letter is marked failed (a 5xx refusal fails it at once).
    public var maxAttempts: Int = 10
    /// How long a claimed letter is reserved for its sender (longer than one SMTP session).
    public var lease: Duration = .seconds(300)
    /// Letters sent at once.
    public var batchSize: Int = 4

    public init(smtp: SMTPConfiguration, from: MailAddress) {
        self.smtp = smtp
        self.from = from
    }
}

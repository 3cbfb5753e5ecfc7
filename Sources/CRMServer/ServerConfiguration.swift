import CRMDomain
import Logging

/// Everything `crm serve` needs, after flags, environment and config file are merged.
public struct ServerConfiguration: Sendable, Equatable {
    /// A libpq URL or conninfo; `nil` runs the private cluster under `dataDirectory`.
    public var databaseURL: String?
    /// The folder of the private cluster and other server state (default `./.crm`).
    public var dataDirectory: String = ".crm"
    public var httpHost: String = "127.0.0.1"
    public var httpPort: Int = 8080
    public var consoleHost: String = "127.0.0.1"
    public var consolePort: Int = 7070
    /// A Unix socket for the admin console as well (mode 0600); sign-in there counts as being on
    /// an admin network.
    public var consoleSocket: String?
    /// Connections in the database pool.
    public var poolSize: Int = 16
    /// How long a request waits for a database connection before a 503.
    public var poolAcquireTimeout: Duration = .seconds(5)
    /// Where the numbered SQL migrations are (found automatically when `nil`).
    public var sqlDirectory: String?
    /// The folder of the PostgreSQL server binaries (found automatically when `nil`).
    public var postgresBinDirectory: String?
    public var logLevel: Logger.Level = .info
    /// Proxies (CIDR) whose `X-Forwarded-For` is believed; empty: the socket peer is the client.
    public var trustedProxies: [String] = []
    /// Networks (CIDR) whose scrapers may read `GET /metrics`; empty: nobody.
    public var metricsNetworks: [String] = ["127.0.0.0/8", "::1/128"]
    /// Origins (`https://crm.example.ru`) whose browser scripts may call the API (CORS); empty: none.
    public var corsOrigins: [String] = []
    /// PBKDF2 iterations for new password hashes (never below the OWASP minimum outside tests).
    public var passwordIterations: Int = 600_000
    /// Where uploaded files are kept: `nil` stores them in PostgreSQL, a folder stores them there
    /// (named by their SHA-256) with only the metadata in PostgreSQL.
    public var filesDirectory: String?
    /// The private cluster's port (its socket is `.s.PGSQL.<port>`; TCP only with `biHost`).
    public var databasePort: Int = 5432
    /// An address the private cluster also listens on for BI tools (password logins only, never
    /// the server's own logins); `nil`: the private socket only.
    public var biHost: String?
    /// The HTML → PDF converter (Chromium); `nil`: `chromium` found on the PATH at each use.
    public var pdfConverter: String?
    /// The largest file accepted, in bytes.
    public var filesMaxBytes: Int = 25 << 20
    /// How often each instance fires due timers (`crm_api.fire_due_timers`).
    public var timerInterval: Duration = .seconds(1)
    /// The shortest time between two writes of the audit chain head to `<data-dir>/audit-head.log`
    /// (a head is written at each seal that moved the chain, at most this often).
    public var auditHeadInterval: Duration = .seconds(10)
    /// The event stream's heartbeat, which also re-checks the session.
    public var eventHeartbeat: Duration = .seconds(15)
    /// How often stored but unprocessed inbound events (a failure, a crash) are looked for.
    public var inboundRetryInterval: Duration = .seconds(2)
    /// Outbound webhooks: the dispatcher's timing (see `WebhookSettings`).
    public var webhooks = WebhookSettings()
    /// E-mail over SMTP (`smtp-*`); nil: not configured (sending answers 503).
    public var mail: MailSettings?

    public init() {}
}

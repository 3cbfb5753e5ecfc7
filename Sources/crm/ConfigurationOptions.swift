import ArgumentParser
import CRMServer

/// The configuration flags shared by `serve`, `migrate` and `db`. Each flag overrides the
/// environment variable `CRM_<NAME>`, which overrides the config file.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: "Config file of 'key = value' lines (env CRM_CONFIG; default ./crm.conf when present).")
    var config: String?

    @Option(help: "PostgreSQL URL or conninfo (env CRM_DATABASE_URL). Without it the server runs its own private cluster under --data-dir.")
    var databaseURL: String?

    @Option(help: "Folder of the private PostgreSQL cluster and server state (env CRM_DATA_DIR; default ./.crm).")
    var dataDir: String?

    @Option(help: "HTTP listen address (env CRM_HTTP_HOST; default 127.0.0.1).")
    var httpHost: String?

    @Option(help: "HTTP port, 0 for any free port (env CRM_HTTP_PORT; default 8080).")
    var httpPort: String?

    @Option(help: "Admin console listen address (env CRM_CONSOLE_HOST; default 127.0.0.1, loopback only).")
    var consoleHost: String?

    @Option(help: "Admin console port, 0 for any free port (env CRM_CONSOLE_PORT; default 7070).")
    var consolePort: String?

    @Option(
        help:
            "Also serve the admin console on this Unix socket (mode 0600; env CRM_CONSOLE_SOCKET). Sign-in there counts as an admin network."
    )
    var consoleSocket: String?

    @Option(help: "Database connections in the pool (env CRM_POOL_SIZE; default 16).")
    var poolSize: String?

    @Option(help: "Seconds a request waits for a database connection before answering 503 (env CRM_POOL_TIMEOUT; default 5).")
    var poolTimeout: String?

    @Option(help: "Folder of the numbered SQL migrations (env CRM_SQL_DIR; default ./sql or next to the binary).")
    var sqlDir: String?

    @Option(help: "Folder of the PostgreSQL server binaries (env CRM_POSTGRES_BIN; found automatically).")
    var postgresBin: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env CRM_LOG_LEVEL; default info).")
    var logLevel: String?

    @Option(help: "Comma-separated proxies (IP or CIDR) whose X-Forwarded-For is believed (env CRM_TRUSTED_PROXIES; default none).")
    var trustedProxies: String?

    @Option(help: "Comma-separated networks (IP or CIDR) allowed to read GET /metrics (env CRM_METRICS_NETWORKS; default loopback).")
    var metricsNetworks: String?
    @Option(
        help:
            "Comma-separated origins whose browser scripts may call the API, e.g. https://crm.example.ru (env CRM_CORS_ORIGIN; default none)."
    )
    var corsOrigin: String?

    @Option(
        help:
            "Comma-separated non-public networks (CIDR) outbound webhooks may go to, e.g. 10.1.0.0/16 (env CRM_WEBHOOK_ALLOW_NETWORK; default none: loopback, private and link-local destinations are refused)."
    )
    var webhookAllowNetwork: String?

    @Option(help: "Keep uploaded files in this folder instead of PostgreSQL (env CRM_FILES_DIR; default: in PostgreSQL).")
    var filesDir: String?

    @Option(help: "The largest uploaded file in MiB (env CRM_FILES_MAX_MB; default 25).")
    var filesMaxMb: String?

    @Option(help: "The Chromium program that makes PDF documents (env CRM_PDF_CONVERTER; default: chromium on the PATH).")
    var pdfConverter: String?

    @Option(
        help:
            "The private cluster also listens on this address for BI tools, password logins only (env CRM_BI_HOST; default: the private socket only)."
    )
    var biHost: String?

    @Option(help: "The private cluster's port (env CRM_DB_PORT; default 5432).")
    var dbPort: String?

    @Option(help: "SMTP server for e-mail from the CRM (env CRM_SMTP_HOST; default: none, e-mail off).")
    var smtpHost: String?

    @Option(help: "SMTP port (env CRM_SMTP_PORT; default 587 for starttls, 465 for tls, 25 for none).")
    var smtpPort: String?

    @Option(help: "SMTP transport security: starttls, tls or none (env CRM_SMTP_SECURITY; default starttls).")
    var smtpSecurity: String?

    @Option(help: "SMTP login (env CRM_SMTP_USERNAME; default: none).")
    var smtpUsername: String?

    @Option(help: "SMTP password (env CRM_SMTP_PASSWORD; better in the config file or the environment than on the command line).")
    var smtpPassword: String?

    @Option(help: "From of the letters, e.g. \"Sales <sales@example.ru>\" (env CRM_SMTP_FROM; required with --smtp-host).")
    var smtpFrom: String?

    @Option(help: "PEM certificates to trust for the SMTP server instead of the system's (env CRM_SMTP_CA_FILE).")
    var smtpCaFile: String?

    /// Loads the merged configuration.
    func load() throws -> ServerConfiguration {
        var flags: [ConfigurationLoader.Key: String] = [:]
        flags[.databaseURL] = databaseURL
        flags[.dataDir] = dataDir
        flags[.httpHost] = httpHost
        flags[.httpPort] = httpPort
        flags[.consoleHost] = consoleHost
        flags[.consolePort] = consolePort
        flags[.consoleSocket] = consoleSocket
        flags[.poolSize] = poolSize
        flags[.poolTimeout] = poolTimeout
        flags[.sqlDir] = sqlDir
        flags[.postgresBin] = postgresBin
        flags[.logLevel] = logLevel
        flags[.trustedProxies] = trustedProxies
        flags[.metricsNetworks] = metricsNetworks
        flags[.corsOrigin] = corsOrigin
        flags[.webhookAllowNetwork] = webhookAllowNetwork
        flags[.filesDir] = filesDir
        flags[.filesMaxMB] = filesMaxMb
        flags[.pdfConverter] = pdfConverter
        flags[.biHost] = biHost
        flags[.dbPort] = dbPort
        flags[.smtpHost] = smtpHost
        flags[.smtpPort] = smtpPort
        flags[.smtpSecurity] = smtpSecurity
        flags[.smtpUsername] = smtpUsername
        flags[.smtpPassword] = smtpPassword
        flags[.smtpFrom] = smtpFrom
        flags[.smtpCAFile] = smtpCaFile
        return try ConfigurationLoader(flags: flags, configFile: config).load()
    }
}

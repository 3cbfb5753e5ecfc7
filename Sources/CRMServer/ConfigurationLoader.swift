import AccessControl
import Foundation
import Logging
import Mail

/// Merges configuration: flags over environment (`CRM_*`) over a config file (`key = value`
/// lines, `#` comments; default `./crm.conf` when present), and validates every value.
public struct ConfigurationLoader: Sendable {
    /// Whether `text` is a web origin: `http(s)://host[:port]`, no path, no trailing slash.
    static func isOrigin(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty, url.path.isEmpty, url.query == nil, url.fragment == nil, url.user == nil
        else { return false }
        return text == "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "") || text.hasPrefix("\(scheme)://[")
    }

    /// The keys, shared by flags (`--key`), environment (`CRM_KEY`) and the file (`key = value`).
    public enum Key: String, CaseIterable, Sendable {
        case databaseURL = "database-url"
        case dataDir = "data-dir"
        case httpHost = "http-host"
        case httpPort = "http-port"
        case consoleHost = "console-host"
        case consolePort = "console-port"
        case consoleSocket = "console-socket"
        case poolSize = "pool-size"
        case poolTimeout = "pool-timeout"
        case sqlDir = "sql-dir"
        case postgresBin = "postgres-bin"
        case logLevel = "log-level"
        case trustedProxies = "trusted-proxies"
        case metricsNetworks = "metrics-networks"
        case corsOrigin = "cors-origin"
        case webhookAllowNetwork = "webhook-allow-network"
        case filesDir = "files-dir"
        case filesMaxMB = "files-max-mb"
        case pdfConverter = "pdf-converter"
        case biHost = "bi-host"
        case dbPort = "db-port"
        case smtpHost = "smtp-host"
        case smtpPort = "smtp-port"
        case smtpSecurity = "smtp-security"
        case smtpUsername = "smtp-username"
        case smtpPassword = "smtp-password"
        case smtpFrom = "smtp-from"
        case smtpCAFile = "smtp-ca-file"

        /// `CRM_DATABASE_URL` for `database-url`.
        public var environmentName: String { "CRM_" + rawValue.uppercased().replacingOccurrences(of: "-", with: "_") }
    }

    /// Values given as command-line flags.
    public var flags: [Key: String]
    /// The process environment.
    public var environment: [String: String]
    /// An explicit config file (`--config` or `CRM_CONFIG`); it must exist when given.
    public var configFile: String?

    public init(flags: [Key: String], environment: [String: String] = ProcessInfo.processInfo.environment, configFile: String? = nil) {
        self.flags = flags
        self.environment = environment
        self.configFile = configFile
    }

    public func load() throws -> ServerConfiguration {
        let file = try readFile()
        var values: [Key: (value: String, origin: String)] = [:]
        for (key, value) in file.values { values[key] = (value, "\(file.path ?? "config file"): \(key.rawValue)") }
        for key in Key.allCases {
            if let value = environment[key.environmentName] { values[key] = (value, key.environmentName) }
        }
        for (key, value) in flags { values[key] = (value, "--\(key.rawValue)") }

        var configuration = ServerConfiguration()
        for (key, entry) in values {
            try apply(key, entry.value, origin: entry.origin, to: &configuration)
        }
        configuration.mail = try Self.mail(values.mapValues { ($0.value.trimmingCharacters(in: .whitespaces), $0.origin) })
        return configuration
    }

    private func apply(_ key: Key, _ raw: String, origin: String, to configuration: inout ServerConfiguration) throws {
        let value = raw.trimmingCharacters(in: .whitespaces)
        switch key {
        case .databaseURL:
            guard !value.isEmpty else { return }
            try DatabaseURL.validate(value, origin: origin)
            configuration.databaseURL = value
        case .dataDir:
            guard !value.isEmpty else { throw ConfigurationError("\(origin) is empty; give a folder for the server's data") }
            configuration.dataDirectory = value
        case .httpHost:
            configuration.httpHost = try Self.host(value, origin: origin)
        case .httpPort:
            configuration.httpPort = try Self.port(value, origin: origin)
        case .consoleHost:
            configuration.consoleHost = try Self.host(value, origin: origin)
        case .consolePort:
            configuration.consolePort = try Self.port(value, origin: origin)
        case .consoleSocket:
            configuration.consoleSocket = value.isEmpty ? nil : value
        case .poolSize:
            guard let size = Int(value), (1...1000).contains(size) else {
                throw ConfigurationError("\(origin) = '\(value)' is not a pool size between 1 and 1000")
            }
            configuration.poolSize = size
        case .poolTimeout:
            guard let seconds = Double(value), seconds > 0, seconds <= 600 else {
                throw ConfigurationError("\(origin) = '\(value)' is not a number of seconds between 0 and 600")
            }
            configuration.poolAcquireTimeout = .milliseconds(Int(seconds * 1000))
        case .sqlDir:
            configuration.sqlDirectory = value.isEmpty ? nil : value
        case .postgresBin:
            configuration.postgresBinDirectory = value.isEmpty ? nil : value
        case .trustedProxies:
            configuration.trustedProxies = try Self.networks(value, origin: origin)
        case .metricsNetworks:
            configuration.metricsNetworks = try Self.networks(value, origin: origin)
        case .corsOrigin:
            let origins = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let bad = origins.first(where: { !Self.isOrigin($0) }) {
                throw ConfigurationError("\(origin) has '\(bad)', which is not an origin such as https://crm.example.ru")
            }
            configuration.corsOrigins = origins
        case .webhookAllowNetwork:
            configuration.webhooks.allowedNetworks = try Self.networks(value, origin: origin).compactMap(IPNetwork.init)
        case .filesDir:
            configuration.filesDirectory = value.isEmpty ? nil : value
        case .filesMaxMB:
            guard let megabytes = Int(value), (1...1024).contains(megabytes) else {
                throw ConfigurationError("\(origin) = '\(value)' is not a size in MiB between 1 and 1024")
            }
            configuration.filesMaxBytes = megabytes << 20
        case .pdfConverter:
            configuration.pdfConverter = value.isEmpty ? nil : value
        case .biHost:
            configuration.biHost = value.isEmpty ? nil : try Self.host(value, origin: origin)
        case .dbPort:
            let port = try Self.port(value, origin: origin)
            guard port > 0 else { throw ConfigurationError("\(origin) = 0: the private cluster needs a fixed port") }
            configuration.databasePort = port
        case .smtpHost, .smtpPort, .smtpSecurity, .smtpUsername, .smtpPassword, .smtpFrom, .smtpCAFile:
            break  // together, in `mail(_:)`
        case .logLevel:
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError("\(origin) = '\(value)' is not a log level (\(levels))")
            }
            configuration.logLevel = level
        }
    }

    private func readFile() throws -> (path: String?, values: [Key: String]) {
        let explicit = configFile ?? environment["CRM_CONFIG"]
        let path = explicit ?? "crm.conf"
        guard FileManager.default.fileExists(atPath: path) else {
            if let explicit { throw ConfigurationError("config file \(explicit) does not exist") }
            return (nil, [:])
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("config file \(path) cannot be read as UTF-8 text")
        }
        var values: [Key: String] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = content.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else {
                throw ConfigurationError("config file \(path), line \(index + 1): expected 'key = value'")
            }
            guard let key = Key(rawValue: parts[0]) else {
                let known = Key.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError("config file \(path), line \(index + 1): unknown key '\(parts[0])' (known: \(known))")
            }
            values[key] = Self.unquote(parts[1])
        }
        return (path, values)
    }

    /// The SMTP settings: none without `smtp-host`; with it, `smtp-from` is required, the
    /// security is `starttls` (default), `tls` or `none`, the port defaults by it (587, 465, 25),
    /// and a user name needs its password.
    static func mail(_ values: [Key: (value: String, origin: String)]) throws -> MailSettings? {
        let given = { (key: Key) -> String? in values[key].flatMap { $0.value.isEmpty ? nil : $0.value } }
        let origin = { (key: Key) -> String in values[key]?.origin ?? "--\(key.rawValue)" }
        guard let host = given(.smtpHost) else {
            if let stray = [Key.smtpFrom, .smtpPort, .smtpUsername, .smtpPassword, .smtpCAFile, .smtpSecurity].first(where: {
                given($0) != nil
            }) {
                throw ConfigurationError("\(origin(stray)) is set but smtp-host is not; give the SMTP server's host name")
            }
            return nil
        }
        _ = try Self.host(host, origin: origin(.smtpHost))
        var security = SMTPConfiguration.Security.startTLS
        if let text = given(.smtpSecurity) {
            guard let value = SMTPConfiguration.Security(rawValue: text.lowercased()) else {
                throw ConfigurationError("\(origin(.smtpSecurity)) = '\(text)' is not one of starttls, tls, none")
            }
            security = value
        }
        var port: Int?
        if let text = given(.smtpPort) {
            port = try Self.port(text, origin: origin(.smtpPort))
            guard port != 0 else { throw ConfigurationError("\(origin(.smtpPort)) = 0 is not an SMTP port") }
        }
        guard let fromText = given(.smtpFrom) else {
            throw ConfigurationError(
                "smtp-host is set but smtp-from is not; give the From address of the letters, e.g. Sales <sales@example.ru>")
        }
        let from: MailAddress
        do {
            from = try MailAddress(parsing: fromText)
        } catch {
            throw ConfigurationError("\(origin(.smtpFrom)) = '\(fromText)' is not an e-mail address (name <address> or address)")
        }
        let username = given(.smtpUsername)
        let password = values[.smtpPassword]?.value
        if username != nil && (password ?? "").isEmpty {
            throw ConfigurationError("\(origin(.smtpUsername)) is set but smtp-password is not")
        }
        if let file = given(.smtpCAFile), !FileManager.default.isReadableFile(atPath: file) {
            throw ConfigurationError("\(origin(.smtpCAFile)) = '\(file)' is not a readable file of PEM certificates")
        }
        let smtp = SMTPConfiguration(
            host: host, port: port, security: security, username: username, password: username == nil ? nil : password,
            heloName: ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName,
            trustRootsFile: given(.smtpCAFile))
        return MailSettings(smtp: smtp, from: from)
    }

    static func unquote(_ value: String) -> String {
        if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" {
            return String(value.dropFirst().dropLast())
        }
        return value
    }

    /// Comma-separated IP addresses or CIDR networks, each checked.
    static func networks(_ value: String, origin: String) throws -> [String] {
        let networks = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let bad = networks.first(where: { IPNetwork($0) == nil }) {
            throw ConfigurationError("\(origin) has '\(bad)', which is not an IP address or CIDR network")
        }
        return networks
    }

    static func port(_ value: String, origin: String) throws -> Int {
        guard let port = Int(value), (0...65535).contains(port) else {
            throw ConfigurationError("\(origin) = '\(value)' is not a port number (0-65535)")
        }
        return port
    }

    static func host(_ value: String, origin: String) throws -> String {
        guard !value.isEmpty, !value.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw ConfigurationError("\(origin) = '\(value)' is not a host name or IP address")
        }
        return value
    }
}

/// Where and how to send: the server, its transport security and the login.
public struct SMTPConfiguration: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable, CaseIterable {
        /// Plain TCP (a relay on the local network or in tests only).
        case none
        /// Plain TCP, then `STARTTLS` before anything else (refused when the server does not offer it).
        case startTLS = "starttls"
        /// TLS from the first byte (SMTPS, port 465).
        case tls
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The name given in `EHLO`.
    public var heloName: String
    /// PEM certificates to trust instead of the system's (a private CA); nil: the system's.
    public var trustRootsFile: String?
    /// Connecting may take this long, and each reply of the server.
    public var timeout: Duration

    public init(
        host: String, port: Int? = nil, security: Security = .startTLS, username: String? = nil, password: String? = nil,
        heloName: String = "localhost", trustRootsFile: String? = nil, timeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port ?? Self.defaultPort(security)
        self.security = security
        self.username = username
        self.password = password
        self.heloName = heloName
        self.trustRootsFile = trustRootsFile
        self.timeout = timeout
    }

    /// 25 plain, 587 STARTTLS (submission), 465 TLS.
    public static func defaultPort(_ security: Security) -> Int {
        switch security {
        case .none: 25
        case .startTLS: 587
        case .tls: 465
        }
    }
}

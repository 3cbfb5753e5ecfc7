/// A session or API token: 256 random bits, shown once to its holder; only its SHA-256 is stored.
public struct BearerToken: Sendable, Equatable {
    /// The text the client sends as `Authorization: Bearer <text>`.
    public let text: String

    /// A new random token with a recognisable prefix (`crm_s_` sessions, `crm_a_` API tokens).
    public static func generate(prefix: String = "crm_s_") throws -> BearerToken {
        BearerToken(text: prefix + Base64.encodeURL(try SecureRandom.bytes(32)))
    }

    public init(text: String) {
        self.text = text
    }

    /// What the database stores and looks up.
    public var hash: [UInt8] { SHA256.digest(text) }
}

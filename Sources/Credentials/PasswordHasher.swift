import CLibCrypto

/// Hashes and verifies passwords with PBKDF2-HMAC-SHA256 (OWASP: at least 600,000 iterations),
/// a random 16-byte salt per password, and a constant-time comparison.
///
/// Stored form: `pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>`. Hashing is slow on
/// purpose (a fraction of a second): call it from a thread of its own, not the cooperative pool.
public struct PasswordHasher: Sendable {
    /// The OWASP minimum for PBKDF2-HMAC-SHA256.
    public static let minimumIterations = 600_000
    public let iterations: Int

    public init(iterations: Int = PasswordHasher.minimumIterations) {
        self.iterations = iterations
    }

    /// The stored form of `password`.
    public func hash(_ password: String) throws -> String {
        let salt = try SecureRandom.bytes(16)
        let derived = try Self.derive(password, salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(Base64.encode(salt))$\(Base64.encode(derived))"
    }

    /// Whether `password` matches `stored`. A malformed `stored` never matches.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= 1, rounds <= 10_000_000,
            let salt = Base64.decode(String(parts[2])), let expected = Base64.decode(String(parts[3])), !expected.isEmpty,
            let derived = try? Self.derive(password, salt: salt, iterations: rounds, length: expected.count)
        else { return false }
        return ConstantTime.equal(derived, expected)
    }

    /// Spends the same time as a real verification, for logins that do not exist, so that the
    /// answer time does not tell whether a login exists.
    public func verifyDummy(_ password: String) {
        _ = try? Self.derive(password, salt: Array(repeating: 0, count: 16), iterations: iterations)
    }

    static func derive(_ password: String, salt: [UInt8], iterations: Int, length: Int = 32) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        let utf8 = Array(password.utf8)
        let status = utf8.withUnsafeBufferPointer { passwordBytes in
            salt.withUnsafeBufferPointer { saltBytes in
                passwordBytes.withMemoryRebound(to: CChar.self) { passwordChars in
                    PKCS5_PBKDF2_HMAC(
                        passwordChars.baseAddress, Int32(utf8.count), saltBytes.baseAddress, Int32(salt.count),
                        Int32(iterations), EVP_sha256(), Int32(length), &output)
                }
            }
        }
        guard status == 1 else { throw CredentialsError.cryptoFailure("PKCS5_PBKDF2_HMAC") }
        return output
    }
}

/// One-time recovery codes for two-factor sign-in (a lost phone): ten random characters from
/// lower-case letters and digits without look-alikes, shown as `abcde-fghjk`; only the SHA-256 of
/// the normalised code is stored.
public enum RecoveryCode {
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")

    /// A new code, e.g. `k7m2q-xr9ta` (about 49 random bits).
    public static func generate() throws -> String {
        var symbols: [Character] = []
        while symbols.count < 10 {
            // 31 symbols: reject bytes >= 248 (8 × 31) so every symbol is equally likely.
            for byte in try SecureRandom.bytes(16) where byte < 248 && symbols.count < 10 {
                symbols.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return String(symbols[0..<5]) + "-" + String(symbols[5..<10])
    }

    /// The code as typed, without spaces and hyphens, in lower case; nil when it cannot be one.
    public static func normalise(_ typed: String) -> String? {
        let kept = typed.lowercased().filter { $0 != "-" && !$0.isWhitespace }
        guard kept.count == 10, kept.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return kept
    }

    /// What is stored of a code: SHA-256 of its normalised form.
    public static func hash(_ normalised: String) -> [UInt8] {
        SHA256.digest(normalised)
    }
}

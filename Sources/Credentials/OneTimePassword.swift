/// Passwords handed out once (demo users, the first administrator, a reset): random characters
/// from an alphabet without look-alikes (no 0/O, 1/l/I).
public enum OneTimePassword {
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    public static func generate(length: Int = 12) throws -> String {
        // 55 symbols: reject bytes >= 220 (4 × 55) so every symbol is equally likely.
        var result = ""
        while result.count < length {
            for byte in try SecureRandom.bytes(length * 2) where byte < 220 && result.count < length {
                result.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return result
    }
}

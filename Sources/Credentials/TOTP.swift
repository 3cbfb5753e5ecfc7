import CLibCrypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 6 digits, 30-second
/// steps — what every authenticator app computes from the shared secret.
public struct TOTP: Sendable {
    public let secret: [UInt8]
    public let digits: Int
    public let period: Int

    public init(secret: [UInt8], digits: Int = 6, period: Int = 30) {
        self.secret = secret
        self.digits = digits
        self.period = period
    }

    /// A new random secret of 160 bits (RFC 4226 §4 recommends it).
    public static func generateSecret() throws -> [UInt8] {
        try SecureRandom.bytes(20)
    }

    /// The time step of `date` (seconds since 1970 divided by the period).
    public func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(period)).rounded(.down))
    }

    /// The code of step `counter` (RFC 4226 §5.3: HMAC, dynamic truncation, modulo 10^digits),
    /// zero-padded to `digits`.
    public func code(step counter: Int64) -> String {
        var message = [UInt8](repeating: 0, count: 8)
        var value = UInt64(bitPattern: counter)
        for index in stride(from: 7, through: 0, by: -1) {
            message[index] = UInt8(value & 0xFF)
            value >>= 8
        }
        let mac = TOTP.hmacSHA1(message, key: secret)
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(UInt64(binary) % modulus)
        return String(repeating: "0", count: max(0, digits - number.count)) + number
    }

    /// The code at `date`.
    public func code(at date: Date) -> String {
        code(step: step(at: date))
    }

    /// The step whose code `candidate` is, within `window` steps either side of `date` (clock
    /// drift, a code typed as it changed), or nil. Compares every candidate in constant time.
    public func matchingStep(of candidate: String, at date: Date, window: Int64 = 1) -> Int64? {
        let typed = Array(candidate.filter { !$0.isWhitespace }.utf8)
        guard typed.count == digits, typed.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let now = step(at: date)
        var found: Int64?
        for counter in (now - window)...(now + window) {
            if ConstantTime.equal(Array(code(step: counter).utf8), typed) && found == nil { found = counter }
        }
        return found
    }

    /// The `otpauth://` URI authenticator apps read (from a QR code or pasted), e.g.
    /// `otpauth://totp/CRM:olga?secret=…&issuer=CRM&algorithm=SHA1&digits=6&period=30`.
    public func provisioningURI(account: String, issuer: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        return "otpauth://totp/\(escape(issuer)):\(escape(account))?secret=\(Base32.encode(secret))"
            + "&issuer=\(escape(issuer))&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }

    static func hmacSHA1(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 20)
        var length: UInt32 = 0
        let keyBytes = key.isEmpty ? [0] : key
        keyBytes.withUnsafeBufferPointer { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                _ = HMAC(
                    EVP_sha1(), keyBuffer.baseAddress, Int32(key.count), messageBuffer.baseAddress, messageBuffer.count,
                    &output, &length)
            }
        }
        return output
    }
}

import CLibCrypto

/// HMAC-SHA256 (RFC 2104) through libcrypto: webhook signatures.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        // HMAC accepts a NULL key only with length 0; give it a valid pointer either way.
        let keyBytes = key.isEmpty ? [0] : key
        keyBytes.withUnsafeBufferPointer { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                _ = HMAC(
                    EVP_sha256(), keyBuffer.baseAddress, Int32(key.count), messageBuffer.baseAddress, messageBuffer.count,
                    &output, &length)
            }
        }
        return output
    }

    /// The code as lower-case hex, e.g. for `X-CRM-Signature: sha256=<hex>`.
    public static func hex(for message: [UInt8], key: [UInt8]) -> String {
        Hex.encode(authenticationCode(for: message, key: key))
    }
}

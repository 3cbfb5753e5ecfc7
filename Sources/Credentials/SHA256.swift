import CLibCrypto

/// SHA-256 digests (token hashes: only the hash of a token is ever stored).
public enum SHA256 {
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = bytes.withUnsafeBufferPointer { input in
            EVP_Digest(input.baseAddress, input.count, &output, &length, EVP_sha256(), nil)
        }
        return output
    }

    public static func digest(_ text: String) -> [UInt8] { digest(Array(text.utf8)) }
}

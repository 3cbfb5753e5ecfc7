import Credentials
import Testing

@Suite struct CredentialsTests {
    @Test func passwordsVerifyOnlyWithTheRightPassword() throws {
        let hasher = PasswordHasher(iterations: 1000)
        let stored = try hasher.hash("Пароль-123")
        #expect(stored.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(hasher.verify("Пароль-123", against: stored))
        #expect(!hasher.verify("Пароль-124", against: stored))
        #expect(!hasher.verify("", against: stored))
        // Salted: the same password hashes differently.
        #expect(try hasher.hash("Пароль-123") != stored)
        // Malformed stored values never match.
        for bad in ["", "pbkdf2-sha256$x$a$b", "md5$1$a$b", "pbkdf2-sha256$1000$!!$??"] {
            #expect(!hasher.verify("Пароль-123", against: bad))
        }
    }

    @Test func theDefaultMeetsOWASPAndMatchesAKnownVector() throws {
        #expect(PasswordHasher().iterations >= 600_000)
        // RFC 7914 §11 PBKDF2-HMAC-SHA256 test vector: P="passwd", S="salt", c=1, dkLen=64.
        let stored =
            "pbkdf2-sha256$1$" + Base64.encode(Array("salt".utf8)) + "$"
            + Base64.encode(
                hex(
                    "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
                ))
        #expect(PasswordHasher().verify("passwd", against: stored))
        #expect(!PasswordHasher().verify("passwe", against: stored))
    }

    @Test func tokensAreRandomAndOnlyTheirHashIsKept() throws {
        let a = try BearerToken.generate()
        let b = try BearerToken.generate()
        #expect(a != b)
        #expect(a.text.hasPrefix("crm_s_"))
        #expect(a.text.count >= 6 + 43)
        #expect(a.hash.count == 32)
        #expect(a.hash == BearerToken(text: a.text).hash)
        // SHA-256("abc")
        #expect(SHA256.digest("abc") == hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    }

    @Test func constantTimeComparison() {
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2], [1, 2, 3]))
    }

    func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }
}

import Credentials
import Foundation
import Testing

/// TOTP against RFC 6238's own vectors and against pyotp (PyPI), the algorithm authenticator
/// apps share: the same secret and time give the same code.
@Suite struct TOTPTests {
    /// RFC 6238 appendix B (SHA1 rows): the seed "12345678901234567890", 8 digits.
    @Test func rfc6238AppendixBVectors() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8), digits: 8)
        let vectors: [(Double, String)] = [
            (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ]
        for (time, expected) in vectors {
            #expect(totp.code(at: Date(timeIntervalSince1970: time)) == expected, "T = \(time)")
        }
        // The six-digit code is the last six digits of the same truncation.
        #expect(TOTP(secret: totp.secret).code(at: Date(timeIntervalSince1970: 59)) == "287082")
    }

    @Test func aCodeIsAcceptedOneStepEitherSideAndNoFurther() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let now = Date(timeIntervalSince1970: 1_234_567_890)
        let step = totp.step(at: now)
        #expect(totp.matchingStep(of: totp.code(step: step), at: now) == step)
        #expect(totp.matchingStep(of: totp.code(step: step - 1), at: now) == step - 1)
        #expect(totp.matchingStep(of: totp.code(step: step + 1), at: now) == step + 1)
        #expect(totp.matchingStep(of: totp.code(step: step - 2), at: now) == nil)
        #expect(totp.matchingStep(of: totp.code(step: step + 2), at: now) == nil)
        for bad in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            #expect(totp.matchingStep(of: bad, at: now) == nil, "\(bad)")
        }
        // Spaces as apps show them ("123 456") are ignored.
        let code = totp.code(step: step)
        #expect(totp.matchingStep(of: String(code.prefix(3)) + " " + String(code.suffix(3)), at: now) == step)
    }

    @Test func base32RoundTripsAndMatchesRFC4648() {
        // RFC 4648 §10 (without padding).
        let vectors = ["": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base32.decode("mzxw 6ytb-oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil)
        let secret = [UInt8](0...19)
        #expect(Base32.decode(Base32.encode(secret)) == secret)
    }

    @Test func theProvisioningURIHasTheSecretAndTheParameters() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let uri = totp.provisioningURI(account: "olga ivanova", issuer: "CRM")
        #expect(
            uri == "otpauth://totp/CRM:olga%20ivanova?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=CRM&algorithm=SHA1&digits=6&period=30")
    }

    /// pyotp computes the same codes for random secrets at random times (its base32 secret and
    /// `TOTP.at(t)`), so an authenticator app agrees with the server.
    @Test func pyotpComputesTheSameCodes() throws {
        var cases: [(secret: String, time: Int64)] = []
        for index in 0..<20 {
            let secret = try TOTP.generateSecret()
            cases.append((Base32.encode(secret), Int64(1_600_000_000 + index * 7_777_777 + Int(secret[0]))))
        }
        let script = """
            import sys, pyotp
            for line in sys.stdin:
                secret, t = line.split()
                print(pyotp.TOTP(secret).at(int(t)))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(cases.map { "\($0.secret) \($0.time)\n" }.joined().utf8))
        try input.fileHandleForWriting.close()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "pyotp failed (is it installed? deploy/install-deps.sh --tests): \(problem)")
        let codes = printed.split(separator: "\n").map(String.init)
        try #require(codes.count == cases.count)
        for (item, pyotpCode) in zip(cases, codes) {
            let ours = TOTP(secret: Base32.decode(item.secret)!).code(at: Date(timeIntervalSince1970: Double(item.time)))
            #expect(ours == pyotpCode, "secret \(item.secret) at \(item.time)")
        }
    }
}

import Foundation

/// A real SMTP server (aiosmtpd from PyPI, `Tests/TestSupport/smtp_test_server.py`) on a free
/// loopback port, keeping what it accepts in a folder of its own. `stop()` ends it (and it ends
/// by itself when the test process does: its stdin closes).
public final class SMTPTestServer: @unchecked Sendable {
    public let port: Int
    public let folder: URL
    /// The self-signed certificate's PEM (for `trustRootsFile`) when started with TLS.
    public let certificateFile: String?
    private let process: Process
    private let stdin: Pipe

    public struct Delivered: Decodable, Sendable {
        public struct Attachment: Decodable, Sendable {
            public var filename: String?
            public var content_type: String
            public var size: Int
            public var sha256: String
        }
        public var mail_from: String
        public var rcpt_tos: [String]
        public var subject: String
        public var raw_subject: String
        public var from: String
        public var to: String
        public var message_id: String
        public var body: String?
        public var attachments: [Attachment]
        public var tls: Bool
        public var authenticated: Bool
    }

    /// `tls`: STARTTLS required, with a certificate for `localhost` made here (`implicitTLS`: TLS
    /// from the first byte instead, as on port 465); `auth`: `user:password` required.
    public static func start(tls: Bool = false, implicitTLS: Bool = false, auth: String? = nil) async throws -> SMTPTestServer {
        try await TestPostgres.runBlocking { try SMTPTestServer(tls: tls || implicitTLS, implicitTLS: implicitTLS, auth: auth) }
    }

    private init(tls: Bool, implicitTLS: Bool, auth: String?) throws {
        let folder = URL(fileURLWithPath: TemporaryPaths.path("crm-smtp-"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.folder = folder
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp_test_server.py").path
        var arguments = [script, "--dir", folder.path]
        var certificate: String?
        if tls {
            let cert = folder.appendingPathComponent("cert.pem").path
            let key = folder.appendingPathComponent("key.pem").path
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            openssl.arguments = [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            ]
            openssl.standardOutput = FileHandle.nullDevice
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            guard openssl.terminationStatus == 0 else { throw TestSMTPError("openssl could not make a test certificate") }
            arguments += ["--tls-cert", cert, "--tls-key", key] + (implicitTLS ? ["--implicit-tls"] : [])
            certificate = cert
        }
        if let auth { arguments += ["--auth", auth] }
        self.certificateFile = certificate
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.standardError
        try process.run()
        self.process = process
        self.stdin = input
        // The first line is `PORT <n>` once listening.
        var line = Data()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            if byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw TestSMTPError("the test SMTP server did not start (is aiosmtpd installed? pip install aiosmtpd): \(text)")
        }
        self.port = port
    }

    /// What the next DATA gets: `ok`, `tempfail` (451), `permfail` (550), `tempfail-once`.
    public func setMode(_ mode: String) throws {
        try Data(mode.utf8).write(to: folder.appendingPathComponent("mode"))
    }

    /// How many DATA attempts the server has seen (accepted or refused).
    public func attempts() -> Int {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("attempts.log"), encoding: .utf8) else { return 0 }
        return text.split(separator: "\n").count
    }

    /// The messages accepted so far, in order.
    public func delivered() throws -> [Delivered] {
        var out: [Delivered] = []
        var n = 1
        while let data = try? Data(contentsOf: folder.appendingPathComponent("\(n).json")) {
            out.append(try JSONDecoder().decode(Delivered.self, from: data))
            n += 1
        }
        return out
    }

    /// The raw bytes of accepted message `n` (1-based).
    public func raw(_ n: Int) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent("\(n).eml"))
    }

    /// Waits until at least `count` messages arrived (or `timeout` passed), returns them.
    public func waitForDelivered(_ count: Int, timeout: Duration = .seconds(30)) async throws -> [Delivered] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let got = try delivered()
            if got.count >= count { return got }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try delivered()
    }

    public func stop() {
        // No waitUntilExit: it spins a run loop, which hangs on Swift's cooperative threads.
        if process.isRunning {
            process.terminate()
            for _ in 0..<100 where process.isRunning { usleep(50_000) }
        }
        try? FileManager.default.removeItem(at: folder)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

public struct TestSMTPError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

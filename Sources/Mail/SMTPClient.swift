import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP client (RFC 5321) over SwiftNIO: one connection per `send`, `EHLO`, `STARTTLS`
/// or TLS from the start (swift-nio-ssl, the system's trust roots or a given CA file, host name
/// checked), `AUTH PLAIN` (or `LOGIN`), `MAIL FROM`, `RCPT TO` for each recipient, `DATA` with
/// the dot-stuffed message, `QUIT`. Every reply has `timeout` to arrive; a refusal is
/// `MailError.rejected` with the command, code and text (5xx: permanent).
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    let group: any EventLoopGroup
    let logger: Logger

    public init(
        configuration: SMTPConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "crm.smtp")
    ) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
    }

    /// Sends `message` (the bytes of `MIMEMessage.rendered()`) from `envelopeFrom` to every
    /// recipient; returns the server's answer to the message (often its queue id). Throws when
    /// any recipient is refused: nothing is sent then.
    @discardableResult
    public func send(from envelopeFrom: String, to recipients: [String], message: [UInt8]) async throws(MailError) -> String {
        guard !recipients.isEmpty else { throw .noRecipients }
        for address in [envelopeFrom] + recipients { _ = try MailAddress(address) }
        let sslContext = try makeSSLContext()
        let session = try await connect(sslContext: sslContext)
        do {
            let answer = try await session.run(
                configuration: configuration, sslContext: sslContext, from: envelopeFrom,
                recipients: recipients, message: message)
            session.close()
            return answer
        } catch {
            session.close()
            throw error
        }
    }

    private func makeSSLContext() throws(MailError) -> NIOSSLContext? {
        guard configuration.security != .none else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let file = configuration.trustRootsFile { tls.trustRoots = .file(file) }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw .tls("cannot set up TLS: \(error)")
        }
    }

    private func connect(sslContext: NIOSSLContext?) async throws(MailError) -> SMTPSession {
        let (stream, continuation) = AsyncThrowingStream<SMTPReply, any Error>.makeStream()
        let host = configuration.host
        let implicitTLS = configuration.security == .tls ? sslContext : nil
        let serverName = Self.isIPAddress(host) ? nil : host
        let timeout = TimeAmount.nanoseconds(
            Int64(configuration.timeout.components.seconds) * 1_000_000_000
                + configuration.timeout.components.attoseconds / 1_000_000_000)
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicitTLS {
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: implicitTLS, serverHostname: serverName))
                        }
                        try channel.pipeline.syncOperations.addHandler(SMTPReplyDecoder(continuation: continuation))
                    }
                }
                .connect(host: host, port: configuration.port)
                .get()
            return SMTPSession(
                channel: channel, replies: stream.makeAsyncIterator(), continuation: continuation,
                timeout: timeout, serverName: serverName, logger: logger)
        } catch let error as MailError {
            throw error
        } catch {
            throw .connectionFailed("\(host):\(configuration.port): \(error)")
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

/// One connection's dialogue, in one task.
final class SMTPSession {
    let channel: any Channel
    var replies: AsyncThrowingStream<SMTPReply, any Error>.AsyncIterator
    let continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation
    let timeout: TimeAmount
    let serverName: String?
    let logger: Logger

    init(
        channel: any Channel, replies: AsyncThrowingStream<SMTPReply, any Error>.AsyncIterator,
        continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation, timeout: TimeAmount, serverName: String?,
        logger: Logger
    ) {
        self.channel = channel
        self.replies = replies
        self.continuation = continuation
        self.timeout = timeout
        self.serverName = serverName
        self.logger = logger
    }

    func close() {
        channel.close(promise: nil)
    }

    func run(
        configuration: SMTPConfiguration, sslContext: NIOSSLContext?, from: String, recipients: [String],
        message: [UInt8]
    ) async throws(MailError) -> String {
        try await expect(nil, stage: "the connection (greeting)", codes: [220])
        var extensions = try await hello(configuration.heloName)
        if configuration.security == .startTLS {
            guard extensions.keys.contains("STARTTLS"), let sslContext else {
                throw .tls("the server does not offer STARTTLS")
            }
            try await expect("STARTTLS", stage: "STARTTLS", codes: [220])
            let serverName = self.serverName
            do {
                try await channel.eventLoop.submit { [channel] in
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: sslContext, serverHostname: serverName), position: .first)
                }.get()
            } catch {
                throw .tls("cannot start TLS: \(error)")
            }
            extensions = try await hello(configuration.heloName)
        }
        if let username = configuration.username, let password = configuration.password {
            try await authenticate(username: username, password: password, offered: extensions["AUTH"] ?? [])
        }
        try await expect("MAIL FROM:<\(from)>", stage: "the sender <\(from)>", codes: [250])
        for recipient in recipients {
            try await expect("RCPT TO:<\(recipient)>", stage: "the recipient <\(recipient)>", codes: [250, 251])
        }
        try await expect("DATA", stage: "DATA", codes: [354])
        let answer = try await expect(bytes: SMTPData.encode(message), stage: "the message", codes: [250])
        _ = try? await expect("QUIT", stage: "QUIT", codes: [221])
        return "\(answer.code) \(answer.text)"
    }

    /// `EHLO`; the extensions offered, by keyword, with their parameters.
    private func hello(_ name: String) async throws(MailError) -> [String: [String]] {
        let reply = try await expect("EHLO \(name)", stage: "EHLO", codes: [250])
        var extensions: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ").map(String.init)
            if let keyword = words.first { extensions[keyword.uppercased()] = words.dropFirst().map { $0.uppercased() } }
        }
        return extensions
    }

    private func authenticate(username: String, password: String, offered: [String]) async throws(MailError) {
        if offered.contains("PLAIN") || !offered.contains("LOGIN") {
            let token = Data([0] + Array(username.utf8) + [0] + Array(password.utf8)).base64EncodedString()
            try await expect("AUTH PLAIN \(token)", stage: "the login (AUTH PLAIN)", codes: [235], secret: true)
        } else {
            try await expect("AUTH LOGIN", stage: "the login (AUTH LOGIN)", codes: [334])
            try await expect(Data(username.utf8).base64EncodedString(), stage: "the login (user name)", codes: [334], secret: true)
            try await expect(Data(password.utf8).base64EncodedString(), stage: "the login (password)", codes: [235], secret: true)
        }
    }

    @discardableResult
    private func expect(_ command: String?, stage: String, codes: Set<Int>, secret: Bool = false) async throws(MailError) -> SMTPReply {
        try await expect(bytes: command.map { Array(($0 + "\r\n").utf8) }, stage: stage, codes: codes, secret: secret, shown: command)
    }

    /// Writes `bytes` (if any), then waits for one reply with a code in `codes`.
    @discardableResult
    private func expect(
        bytes: [UInt8]?, stage: String, codes: Set<Int>, secret: Bool = false, shown: String? = nil
    )
        async throws(MailError) -> SMTPReply
    {
        if let bytes {
            logger.trace("smtp >", metadata: ["command": "\(secret ? "(secret)" : (shown ?? "(message)"))"])
            do {
                try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
            } catch {
                // The connection ended; the reason (a TLS handshake refused, a reset) is what
                // ended the reply stream, when there is one.
                do {
                    _ = try await replies.next()
                } catch let reason as MailError {
                    throw reason
                } catch {}
                throw .connectionFailed("writing \(stage): \(error)")
            }
        }
        let continuation = self.continuation
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: timeout) {
            continuation.finish(throwing: MailError.timedOut(stage: stage))
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        let reply: SMTPReply?
        do {
            reply = try await replies.next()
        } catch let error as MailError {
            throw error
        } catch {
            throw .connectionFailed(String(describing: error))
        }
        guard let reply else { throw .connectionFailed("the server closed the connection at \(stage)") }
        logger.trace("smtp <", metadata: ["code": "\(reply.code)"])
        guard codes.contains(reply.code) else { throw .rejected(stage: stage, code: reply.code, text: reply.text) }
        return reply
    }
}

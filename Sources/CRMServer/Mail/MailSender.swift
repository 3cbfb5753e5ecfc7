import Logging
import Mail
import Metrics
import PostgresClient
import ServiceLifecycle

/// Delivers queued letters (sql/400–401) over SMTP. Wakes on `NOTIFY crm_mail` (a letter
/// committed) and every `scanInterval` (retries that came due); claims due letters with
/// `crm_api.email_claim` (SKIP LOCKED plus a lease: two senders — in one process or several
/// servers — never send one letter at the same time) and sends each with `SMTPClient`; the
/// outcome is recorded by `email_sent` / `email_failed` (retried after backoffBase·2^(n-1), at
/// most backoffCap; a 5xx refusal or maxAttempts attempts mark it failed with the reason).
/// Requests only insert letters. The database work runs on the pool's threads, the SMTP
/// dialogue on SwiftNIO's event loops: never libpq on an event loop.
///
/// Nothing is lost on a restart: a letter stays queued until an attempt is recorded; a graceful
/// shutdown lets the letters in hand finish and records them. Nothing is sent twice: a letter
/// is sent only by the attempt holding its lease, and recorded sent before the lease ends; only
/// a crash between the server's «250» and that commit (milliseconds) would send it again after
/// the lease, with the same Message-ID.
struct MailSender: Service {
    let pool: PostgresPool
    let settings: MailSettings
    let logger: Logger

    struct Letter: Sendable {
        var id: Int64
        var attempt: Int32
        var sender: String
        var recipients: [String]
        var message: [UInt8]
    }

    func run() async throws {
        let client = SMTPClient(configuration: settings.smtp, logger: logger)
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let settings = self.settings
        let pool = self.pool
        let logger = self.logger
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    do {
                        for try await _ in pool.listener().notifications(channels: ["crm_mail"]) { wake.yield() }
                    } catch {
                        logger.debug("mail listener ended; restarting", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    wake.yield()
                    try? await Task.sleep(for: settings.scanInterval)
                }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    for await _ in wakeups {
                        await self.sendDue(client: client)
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
        wake.finish()
    }

    /// Claims and sends due letters until none is left (or shutdown begins: letters in hand
    /// are finished and recorded first).
    func sendDue(client: SMTPClient) async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let batch: [Letter]
            do {
                batch = try await claim()
            } catch {
                logger.warning("could not claim queued e-mail; will retry", metadata: ["error": "\(error)"])
                return
            }
            if batch.isEmpty { return }
            await withTaskGroup(of: Void.self) { group in
                for letter in batch {
                    group.addTask { await self.send(letter, client: client) }
                }
            }
            if batch.count < settings.batchSize { return }
        }
    }

    func claim() async throws -> [Letter] {
        let limit = Int32(settings.batchSize)
        let lease = Int32(settings.lease.components.seconds)
        return try await pool.withTransaction { connection in
            try await connection.query(
                "select email_id, attempt, sender, recipients, message from crm_api.email_claim(\(limit)::int, \(lease)::int)"
            ).map { row in
                let (id, attempt, sender, recipients, message) = try row.decode((Int64, Int32, String, [String], [UInt8]).self)
                return Letter(id: id, attempt: attempt, sender: sender, recipients: recipients, message: message)
            }
        }
    }

    /// One attempt, then its outcome recorded.
    func send(_ letter: Letter, client: SMTPClient) async {
        let outcome: Result<String, MailError>
        do {
            outcome = .success(try await client.send(from: letter.sender, to: letter.recipients, message: letter.message))
        } catch {
            outcome = .failure(error)
        }
        do {
            try await record(letter, outcome)
        } catch {
            logger.warning("could not record an e-mail attempt", metadata: ["email": "\(letter.id)", "error": "\(error)"])
        }
    }

    private func record(_ letter: Letter, _ outcome: Result<String, MailError>) async throws {
        let (id, attempt) = (letter.id, letter.attempt)
        switch outcome {
        case .success(let reply):
            try await pool.withTransaction { connection in
                _ = try await connection.query("select crm_api.email_sent(\(id), \(attempt), \(reply))")
            }
            logger.info("e-mail sent", metadata: ["email": "\(id)", "attempt": "\(attempt)"])
            Counter(label: "crm_mail_attempts_total", dimensions: [("result", "sent")]).increment()
        case .failure(let error):
            let (base, cap, maxAttempts) = (
                Self.seconds(settings.backoffBase), Self.seconds(settings.backoffCap), Int32(settings.maxAttempts)
            )
            let reason = error.description
            let permanent = error.isPermanent
            Counter(label: "crm_mail_attempts_total", dimensions: [("result", permanent ? "refused" : "retry")]).increment()
            let status = try await pool.withTransaction { connection in
                try await connection.query(
                    "select crm_api.email_failed(\(id), \(attempt), \(reason), \(permanent), \(base), \(cap), \(maxAttempts))"
                )[0].decode(String?.self, at: 0)
            }
            logger.info(
                "e-mail attempt failed",
                metadata: [
                    "email": "\(id)", "attempt": "\(attempt)", "error": "\(reason)", "now": "\(status ?? "superseded")",
                ])
        }
    }

    /// A duration in seconds, for the SQL back-off arguments.
    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

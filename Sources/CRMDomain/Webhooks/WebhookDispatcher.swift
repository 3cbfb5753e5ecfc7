import AsyncHTTPClient
import Credentials
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import PostgresClient
import ServiceLifecycle

/// Sends outbound webhook deliveries (sql/250_webhooks.sql). Wakes on `NOTIFY crm_events`
/// (a new event, its deliveries committed with it) and every `scanInterval` (retries that came
/// due); claims due deliveries with `crm_api.webhook_claim` (SKIP LOCKED plus a lease: several
/// dispatchers never send one delivery at the same time) and POSTs each as JSON with
/// `X-CRM-Event`, `X-CRM-Delivery` and `X-CRM-Signature: sha256=<hex HMAC-SHA256 of the body>`.
/// A 2xx answer delivers it; anything else (another status, a refused connection, a timeout)
/// schedules a retry after backoffBase·2^(attempt-1), at most backoffCap, until maxAttempts.
/// Runs outside any request: requests only insert events.
public struct WebhookDispatcher: Service {
    let pool: PostgresPool
    let settings: WebhookSettings
    let userAgent: String
    let logger: Logger

    public init(pool: PostgresPool, settings: WebhookSettings, userAgent: String, logger: Logger) {
        self.pool = pool
        self.settings = settings
        self.userAgent = userAgent
        self.logger = logger
    }

    struct Delivery: Sendable {
        var id: Int64
        var attempt: Int32
        var url: String
        var secret: String
        var eventKind: String
        var body: String
    }

    public func run() async throws {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(settings.requestTimeout.components.seconds))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let settings = self.settings
        let pool = self.pool
        let logger = self.logger
        await withTaskGroup(of: Void.self) { group in
            // LISTEN crm_events: a new event wakes the dispatcher at once.
            group.addTask {
                while !Task.isCancelled {
                    do {
                        for try await _ in pool.listener().notifications(channels: ["crm_events"]) { wake.yield() }
                    } catch {
                        logger.debug("webhook listener ended; restarting", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            // The periodic scan: retries that came due, and events missed while not listening.
            group.addTask {
                while !Task.isCancelled {
                    wake.yield()
                    try? await Task.sleep(for: settings.scanInterval)
                }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    for await _ in wakeups {
                        await self.dispatchDue(client: client)
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
        wake.finish()
        try? await client.shutdown()
    }

    /// Claims and sends due deliveries until none is left.
    func dispatchDue(client: HTTPClient) async {
        while !Task.isCancelled {
            let batch: [Delivery]
            do {
                batch = try await claim()
            } catch {
                logger.warning("could not claim webhook deliveries; will retry", metadata: ["error": "\(error)"])
                return
            }
            if batch.isEmpty { return }
            await withTaskGroup(of: Void.self) { group in
                for delivery in batch {
                    group.addTask { await self.send(delivery, client: client) }
                }
            }
            if batch.count < settings.batchSize { return }
        }
    }

    func claim() async throws -> [Delivery] {
        let limit = settings.batchSize
        let lease = Int(settings.lease.components.seconds)
        return try await pool.withTransaction { connection in
            try await connection.query(
                "select delivery_id, attempt, url, secret, event_kind, body from crm_api.webhook_claim(\(limit)::int, \(lease)::int)"
            ).map { row in
                let (id, attempt, url, secret, kind, body) = try row.decode((Int64, Int32, String, String, String, String).self)
                return Delivery(id: id, attempt: attempt, url: url, secret: secret, eventKind: kind, body: body)
            }
        }
    }

    /// One attempt, then its outcome recorded. The destination is checked first (`DestinationGuard`):
    /// a refused one is a failed attempt, retried like any other (an administrator may allow it).
    func send(_ delivery: Delivery, client: HTTPClient) async {
        let destination: (url: String, host: String?)
        do {
            destination = try await DestinationGuard(allowed: settings.allowedNetworks).check(delivery.url)
        } catch {
            logger.warning("webhook destination refused", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
            do {
                try await record(delivery, statusCode: nil, failure: "\(error)")
            } catch {
                logger.warning("could not record a webhook attempt", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
            }
            return
        }
        let body = Array(delivery.body.utf8)
        var request = HTTPClientRequest(url: destination.url)
        if let host = destination.host { request.headers.replaceOrAdd(name: "Host", value: host) }
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(name: "X-CRM-Event", value: delivery.eventKind)
        request.headers.add(name: "X-CRM-Delivery", value: String(delivery.id))
        request.headers.add(name: "X-CRM-Attempt", value: String(delivery.attempt))
        request.headers.add(name: "X-CRM-Signature", value: "sha256=" + HMACSHA256.hex(for: body, key: Array(delivery.secret.utf8)))
        request.body = .bytes(ByteBuffer(bytes: body))
        var statusCode: Int?
        var failure: String?
        do {
            let seconds = settings.requestTimeout.components.seconds
            let response = try await client.execute(request, timeout: .seconds(seconds))
            statusCode = Int(response.status.code)
            _ = try? await response.body.collect(upTo: 64 << 10)
            if !(200..<300).contains(response.status.code) { failure = "HTTP \(response.status.code)" }
        } catch {
            failure = "\(error)"
        }
        do {
            try await record(delivery, statusCode: statusCode, failure: failure)
        } catch {
            logger.warning("could not record a webhook attempt", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
        }
    }

    private func record(_ delivery: Delivery, statusCode: Int?, failure: String?) async throws {
        let code = statusCode.map(Int32.init)
        let (id, attempt) = (delivery.id, delivery.attempt)
        Counter(label: "crm_webhook_deliveries_total", dimensions: [("result", failure == nil ? "delivered" : "failed")]).increment()
        guard let failure else {
            try await pool.withTransaction { connection in
                _ = try await connection.query("select crm_api.webhook_delivered(\(id), \(attempt), \(code))")
            }
            return
        }
        let (base, cap, maxAttempts) = (settings.backoffBase.seconds, settings.backoffCap.seconds, Int32(settings.maxAttempts))
        let status = try await pool.withTransaction { connection in
            try await connection.query(
                "select crm_api.webhook_failed(\(id), \(attempt), \(code), \(failure), \(base), \(cap), \(maxAttempts))"
            )[0].decode(String?.self, at: 0)
        }
        logger.info(
            "webhook delivery attempt failed",
            metadata: [
                "delivery": "\(id)", "attempt": "\(attempt)", "error": "\(failure)", "now": "\(status ?? "superseded")",
            ])
    }
}

import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A local HTTP receiver for outbound webhooks (Hummingbird on a free port): records every
/// POST to /hook and answers with the scripted statuses, then 200.
struct WebhookReceiver {
    struct Received: Sendable {
        var headers: [String: String]
        var body: [UInt8]
        var at: Date
    }

    actor Log {
        var script: [Int]
        var received: [Received] = []
        init(script: [Int]) { self.script = script }

        func record(_ request: Received) -> Int {
            received.append(request)
            return script.isEmpty ? 200 : script.removeFirst()
        }
    }

    let log: Log
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let port: Int

    var url: String { "http://127.0.0.1:\(port)/hook" }

    static func start(script: [Int] = []) async throws -> WebhookReceiver {
        let log = Log(script: script)
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = await log.record(Received(headers: headers, body: Array(body.readableBytesView), at: Date()))
            return Response(status: .init(code: status))
        }
        var logger = Logger(label: "test.webhook-receiver")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the webhook receiver did not start") }
        return WebhookReceiver(log: log, group: group, task: task, port: port)
    }

    var received: [Received] {
        get async { await log.received }
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

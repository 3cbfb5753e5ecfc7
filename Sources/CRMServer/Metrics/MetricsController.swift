import AccessControl
import CRMDomain
import HTTPAPI
import Hummingbird
import Metrics
import PostgresClient
import Prometheus

/// `GET /metrics`: the Prometheus text format, for a scraper on an allowed network (`metrics-networks`,
/// loopback by default; anyone else gets 404, as for a route that does not exist). Besides what
/// the code counts as it goes (requests by route, method and status with latency histograms;
/// database errors by kind; pool waits and time-outs; timers fired; webhook deliveries; letters
/// sent), each scrape reads the pool's state and the number of connected event streams.
struct MetricsController: Sendable {
    let pool: PostgresPool
    let hub: NotificationHub
    let networks: [IPNetwork]

    func register(on router: Router<CRMRequestContext>) {
        let registry = ProcessMetrics.registry
        let idle = Gauge(label: "crm_db_pool_idle")
        let inUse = Gauge(label: "crm_db_pool_in_use")
        let waiting = Gauge(label: "crm_db_pool_waiting")
        let size = Gauge(label: "crm_db_pool_size")
        let streams = Gauge(label: "crm_sse_clients")
        router.get("/metrics") { _, context in
            guard networks.contains(where: { $0.contains(context.clientIP) }) else {
                throw HTTPError(.notFound)
            }
            let statistics = await pool.statistics
            idle.record(Double(statistics.idle))
            inUse.record(Double(statistics.inUse))
            waiting.record(Double(statistics.waiting))
            size.record(Double(pool.configuration.size))
            streams.record(Double(await hub.subscriberCount))
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}

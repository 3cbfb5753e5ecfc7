import Foundation
import TestSupport
import Testing

/// `GET /metrics`: the Prometheus text format for scrapers on the allowed networks only.
@Suite("Metrics", .serialized, .stopsItsServers)
struct MetricsTests {
    /// The value of the sample `name{labels}` (labels as written, in order), or nil.
    static func sample(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test("requests by route, method and status with latencies; the pool's state and event streams; loopback only by default")
    func prometheusText() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let route = #"http_route="/api/v1/deals/{id}",http_request_method="GET",http_response_status_code="404""#
        let before = Self.sample(try await server.get("/metrics").body, "hb_requests{\(route)}") ?? 0
        #expect(try await manager.get("/api/v1/deals/987654321").status == 404)
        #expect(try await manager.get("/api/v1/deals/987654322").status == 404)
        let metrics = try await server.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = metrics.body
        #expect(Self.sample(text, "hb_requests{\(route)}") == before + 2, "\(text.prefix(3000))")
        #expect(Self.sample(text, "http_server_request_duration_count{\(route)}").map { $0 >= 2 } == true)
        #expect(text.contains(#"http_server_request_duration_bucket{http_route="/api/v1/deals/{id}""#))
        #expect(Self.sample(text, "crm_db_pool_size") != nil && Self.sample(text, "crm_db_pool_waiting") != nil)
        #expect(Self.sample(text, "crm_sse_clients") != nil)
        // Every sample line is `name{labels} value` or `name value` (the format a scraper parses).
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(
                line.wholeMatch(
                    of: #/[a-zA-Z_][a-zA-Z0-9_]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (-?[0-9.]+(e[+-]?[0-9]+)?|\+Inf|NaN)/#)
                    != nil, "\(line)")
        }
        try await server.stop()

        // A server whose scrapers are elsewhere answers loopback as if there were no such route.
        let closed = try await RunningServer.start(configure: { $0.metricsNetworks = ["10.0.0.0/8"] })
        #expect(try await closed.get("/metrics").status == 404)
        try await closed.stop()
    }
}

import Metrics
import Prometheus

/// The process's one Prometheus registry, installed as the swift-metrics backend the first time
/// it is asked for (swift-metrics takes one backend per process; several servers in one process,
/// as in the tests, share it). Names of other packages' metrics (`hb.requests`,
/// `http.server.request.duration`) become Prometheus names (`hb_requests`, …).
enum ProcessMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (sanitize(name), labels.map { (sanitize($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// A Prometheus name: letters, digits and `_`.
    static func sanitize(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }
}

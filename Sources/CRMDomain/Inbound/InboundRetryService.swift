import Logging
import ServiceLifecycle

/// Processes inbound events that were stored but not processed — processing failed, or the
/// server stopped between the two transactions — every `interval`, until none is due.
/// `SKIP LOCKED` in `crm_api.inbound_process` keeps two servers (or a request and this
/// service) from processing one event at once; processing is idempotent.
public struct InboundRetryService: Service {
    let processor: InboundProcessor
    let interval: Duration
    let logger: Logger

    public init(processor: InboundProcessor, interval: Duration, logger: Logger) {
        self.processor = processor
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await processor.processDue(limit: 100)
            } catch {
                logger.warning("inbound retry scan failed; will retry", metadata: ["error": "\(error)"])
            }
            let interval = self.interval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

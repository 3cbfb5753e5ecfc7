import Hummingbird
import Logging
import NIOCore

/// One log line per request: method, path (no query string: it may carry personal data),
/// status, duration, client IP and request id.
public struct AccessLogMiddleware: RouterMiddleware {
    public typealias Context = CRMRequestContext

    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code)",
            metadata: [
                "ms": .string(String(format: "%.2f", milliseconds)),
                "ip": .string(context.clientIP),
            ])
        return response
    }
}

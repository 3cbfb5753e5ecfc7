import Hummingbird
import Logging

/// Turns every error thrown below it into the one JSON error format. Errors the API does not
/// know become a 500 whose body says nothing about the cause; the cause goes to the log.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = CRMRequestContext

    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError == nil {
                context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            }
            return ErrorResponse.make(apiError, requestID: context.requestID)
        }
    }
}

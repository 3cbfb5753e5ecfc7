import AccessControl
import Hummingbird

/// Builds the router: middleware in order (request id, access log, errors), then the routes.
public enum APIRouter {
    public static func build(
        health: HealthController, auth: AuthController, clientAddresses: ClientAddressResolver
    ) -> Router<CRMRequestContext> {
        let router = Router(context: CRMRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ClientAddressMiddleware(resolver: clientAddresses))
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: ErrorMiddleware())
        health.register(on: router)
        auth.register(on: router)
        TokensController(database: auth.database).register(on: router)
        AuditController(database: auth.database).register(on: router)
        return router
    }
}

import AccessControl
import Hummingbird

/// Builds the router: middleware in order (request id, client address, access log, errors), then
/// the routes: health, auth, API tokens, the audit log and the business rows.
public enum APIRouter {
    public static func build(
        health: HealthController, auth: AuthController, database: UserDatabase, clientAddresses: ClientAddressResolver
    ) -> Router<CRMRequestContext> {
        let router = Router(context: CRMRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ClientAddressMiddleware(resolver: clientAddresses))
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: ErrorMiddleware())
        health.register(on: router)
        auth.register(on: router)
        TokensController(database: database).register(on: router)
        AuditController(database: database).register(on: router)
        ClientsController(database: database).register(on: router)
        ContactsController(database: database).register(on: router)
        DealsController(database: database).register(on: router)
        TasksController(database: database).register(on: router)
        return router
    }
}

import AccessControl
import Documents
import Mail
import Hummingbird
import Logging

/// Builds the router: middleware in order (request id, client address, access log, errors), then
/// any front end's middleware, then the routes: health, auth, API tokens, the audit log, notifications and the event stream, the
/// resources, the special views and the inbound webhooks of integrations.
public enum APIRouter {
    public static func build(
        health: HealthController, auth: AuthController, database: UserDatabase, clientAddresses: ClientAddressResolver,
        files: FileStorage = FileStorage(folder: nil, maximumBytes: 25 << 20),
        notifications: NotificationHub = NotificationHub(), eventHeartbeat: Duration = .seconds(15),
        inbound: InboundProcessor? = nil, converter: PDFConverter = PDFConverter(), mailFrom: MailAddress? = nil,
        middleware: [any MiddlewareProtocol<Request, Response, CRMRequestContext>] = []
    ) -> Router<CRMRequestContext> {
        let router = Router(context: CRMRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ClientAddressMiddleware(resolver: clientAddresses))
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: ErrorMiddleware(database: database))
        // Front ends' middleware (the web interface's cookie session bridge) before the routes.
        for extra in middleware { router.add(middleware: extra) }
        health.register(on: router)
        auth.register(on: router)
        TokensController(database: database).register(on: router)
        AuditController(database: database).register(on: router)
        PipelinesController(database: database).register(on: router)
        CurrenciesController(database: database).register(on: router)
        ClientCardController(database: database).register(on: router)
        FunnelController(database: database).register(on: router)
        ReportsController(database: database).register(on: router)
        FilesController(database: database, storage: files).register(on: router)
        DocumentsController(database: database, storage: files, converter: converter).register(on: router)
        EmailsController(database: database, storage: files, sender: mailFrom).register(on: router)
        ApprovalsController(database: database).register(on: router)
        NotificationsController(database: database).register(on: router)
        EventStreamController(database: database, hub: notifications, heartbeat: eventHeartbeat).register(on: router)
        InboundController(
            pool: database.pool, processor: inbound ?? InboundProcessor(pool: database.pool, logger: Logger(label: "crm.inbound"))
        ).register(on: router)
        SecretRowCreator.integrations(database: database).register(on: router)
        SecretRowCreator.webhookSubscriptions(database: database).register(on: router)
        for resource in Resource.all {
            if resource.operations.contains(.list) { ListExportController(resource: resource, database: database).register(on: router) }
            ResourceController(resource: resource, database: database).register(on: router)
        }
        OpenAPIController(document: OpenAPIDocument.make(resources: Resource.all, version: health.version)).register(on: router)
        return router
    }
}

import AccessControl
import CRMDomain
import Documents
import Foundation
import Hummingbird
import Logging
import Mail

/// Builds the router: middleware in order (metrics, request id, client address, access log, errors), then
/// any front end's middleware, then the public routes (health, sign-in, the integrations' inbound
/// webhooks, the OpenAPI document), then the signed-in routes behind `AuthenticationMiddleware`:
/// API tokens, the audit log, notifications and the event stream, the resources and the special
/// views. A new signed-in controller registers on `api` and uses `context.scope`.
public enum APIRouter {
    public static func build(
        health: HealthController, auth: AuthController, database: UserDatabase, clientAddresses: ClientAddressResolver,
        files: FileStorage = FileStorage(folder: nil, maximumBytes: 25 << 20),
        notifications: NotificationHub = NotificationHub(), eventHeartbeat: Duration = .seconds(15),
        inbound: InboundProcessor? = nil, converter: PDFConverter = PDFConverter(), mailFrom: MailAddress? = nil,
        exchangeFolder: String? = nil, importFolder: String? = nil, importMaximumBytes: Int = 512 << 20,
        middleware: [any MiddlewareProtocol<Request, Response, CRMRequestContext>] = [], corsOrigins: [String] = []
    ) -> Router<CRMRequestContext> {
        let router = Router(context: CRMRequestContext.self)
        // Outermost, so it counts every answer with the status the client got.
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: SecurityHeadersMiddleware(corsOrigins: corsOrigins))
        router.add(middleware: ClientAddressMiddleware(resolver: clientAddresses))
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: ErrorMiddleware(database: database))
        // Front ends' middleware (the web interface's cookie session bridge) before the routes.
        for extra in middleware { router.add(middleware: extra) }
        health.register(on: router)
        auth.register(on: router)
        InboundController(
            pool: database.pool, processor: inbound ?? InboundProcessor(pool: database.pool, logger: Logger(label: "crm.inbound"))
        ).register(on: router)
        // The 1C exchange: its own sign-in (checkauth) and cookie, plain-text answers.
        ExchangeController(
            authenticator: auth.authenticator, database: database,
            folder: ExchangeFolder(base: exchangeFolder ?? NSTemporaryDirectory() + "crm-exchange")
        ).register(on: router)
        // Every signed-in route: no credential is a 401 here; handlers use `context.scope`.
        let api = router.group().add(middleware: AuthenticationMiddleware(database: database))
        auth.registerSignedIn(on: api)
        TokensController().register(on: api)
        AuditController().register(on: api)
        PipelinesController().register(on: api)
        CurrenciesController().register(on: api)
        ClientCardController().register(on: api)
        FunnelController().register(on: api)
        ReportsController().register(on: api)
        FilesController(storage: files).register(on: api)
        DocumentsController(storage: files, converter: converter).register(on: api)
        EmailsController(storage: files, sender: mailFrom).register(on: api)
        ImportsController(folder: importFolder ?? NSTemporaryDirectory() + "crm-imports", maximumBytes: importMaximumBytes).register(
            on: api)
        ApprovalsController().register(on: api)
        NotificationsController().register(on: api)
        EventStreamController(hub: notifications, heartbeat: eventHeartbeat).register(on: api)
        SecretRowCreator.integrations().register(on: api)
        SecretRowCreator.webhookSubscriptions().register(on: api)
        for resource in Resource.all {
            if resource.operations.contains(.list) { ListExportController(resource: resource).register(on: api) }
            ResourceController(resource: resource).register(on: api)
        }
        OpenAPIController(document: OpenAPIDocument.make(resources: Resource.all, version: health.version)).register(on: router)
        return router
    }
}

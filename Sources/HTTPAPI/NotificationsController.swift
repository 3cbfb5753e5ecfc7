import AccessControl
import Hummingbird
import PostgresClient

/// Marking notifications read: `POST /api/v1/notifications/{id}/read` (204; 404 for a
/// notification that is not the caller's) and `POST /api/v1/notifications/read-all`
/// (`{"updated": n}`). The list and one notification are the `notifications` resource.
/// Row-level security lets each user update `read_at` of their own notifications only.
public struct NotificationsController: Sendable {
    public init() {}

    public func register(on router: some RouterMethods<CRMRequestContext>) {
        let group = router.group("/api/v1/notifications")
        group.post("read-all") { request, context in try await self.readAll(request, context) }
        group.post("{id}/read") { request, context in try await self.read(request, context) }
    }

    func read(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError.notFound("no such notification")
        }
        let found = try await context.scope.transaction { connection, _ in
            try await connection.query(
                "update crm.notifications set read_at = coalesce(read_at, now()) where id = \(id) returning id", prepared: true
            ).count == 1
        }
        guard found else { throw APIError.notFound("no notification \(id)") }
        return Response(status: .noContent)
    }

    func readAll(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let updated = try await context.scope.transaction { connection, identity in
            try await connection.query(
                "update crm.notifications set read_at = now() where user_id = \(identity.userID) and read_at is null returning id",
                prepared: true
            ).count
        }
        return JSONResponse.raw("{\"updated\":\(updated)}")
    }
}

import AccessControl
import Foundation
import Hummingbird

/// The login history: `GET /api/v1/me/logins` and `GET /api/v1/users/{id}/logins` (the user
/// themself and administrators; the database decides, `crm_api.login_history`), newest first,
/// `limit` (1–1000, 50) and `before_id` to page.
extension AuthController {
    func registerLoginHistory(on group: some RouterMethods<CRMRequestContext>) {
        group.get("/me/logins") { request, context in try await self.logins(request, context, of: nil) }
        group.get("/users/{id}/logins") { request, context in
            guard let id = context.parameters.get("id").flatMap(Int64.init), id > 0 else {
                throw APIError.notFound("no such user")
            }
            return try await self.logins(request, context, of: id)
        }
    }

    func logins(_ request: Request, _ context: CRMRequestContext, of userID: Int64?) async throws -> Response {
        var parameters = QueryParameters(request)
        let beforeID = parameters.int64("before_id")
        let limit = parameters.int64("limit") ?? 50
        if !(1...1000).contains(limit) { throw APIError.validation([.init(field: "limit", message: "must be between 1 and 1000")]) }
        try parameters.validate()
        let json = try await context.scope.transaction { connection, identity in
            try await connection.query(
                """
                select jsonb_build_object('items', crm_api.login_history(\(userID ?? identity.userID), \(Int(limit))::int, \(beforeID)::bigint))::text
                """)[0].decode(String.self, at: 0)
        }
        return JSONResponse.raw(json)
    }
}

import AccessControl
import Credentials
import Foundation
import Hummingbird
import PostgresClient

/// API tokens for integrations: `POST /api/v1/tokens` (the token is shown once),
/// `GET /api/v1/tokens`, `DELETE /api/v1/tokens/{id}`. Named, tied to the user who creates them
/// (admins may create them for another user), revocable; only their hash is stored.
public struct TokensController: Sendable {
    public init() {}

    struct CreateRequest: Decodable {
        var name: String?
        var userID: Int64?
        var expiresAt: Date?

        enum CodingKeys: String, CodingKey {
            case name
            case userID = "user_id"
            case expiresAt = "expires_at"
        }
    }

    struct Created: Encodable {
        var id: Int64
        var name: String
        var token: String
        var expiresAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, name, token
            case expiresAt = "expires_at"
        }
    }

    public func register(on router: some RouterMethods<CRMRequestContext>) {
        let tokens = router.group("/api/v1/tokens")
        tokens.post { request, context in try await self.create(request, context) }
        tokens.get { request, context in try await self.list(request, context) }
        tokens.delete("{id}") { request, context in try await self.revoke(request, context) }
    }

    func create(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let body = try await request.decode(as: CreateRequest.self, context: context)
        var problems: [APIError.FieldError] = []
        let name = body.name?.trimmingCharacters(in: .whitespaces) ?? ""
        if name.isEmpty { problems.append(.init(field: "name", message: "required")) }
        if name.count > 100 { problems.append(.init(field: "name", message: "longer than 100 characters")) }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            problems.append(.init(field: "name", message: "contains a control character"))
        }
        if let expiresAt = body.expiresAt, expiresAt <= Date() {
            problems.append(.init(field: "expires_at", message: "must be in the future"))
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        let token = try BearerToken.generate(prefix: "crm_a_")
        let id = try await context.scope.transaction { connection, _ in
            try await connection.query(
                "select crm_api.create_api_token(\(name), \(token.hash)::bytea, \(body.expiresAt), \(body.userID))"
            )[0].decode(Int64.self, at: 0)
        }
        return try JSONResponse.make(Created(id: id, name: name, token: token.text, expiresAt: body.expiresAt), status: .created)
    }

    func list(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let json = try await context.scope.transaction { connection, _ in
            try await connection.query(
                "select coalesce(jsonb_agg(to_jsonb(t) order by t.id), '[]')::text from crm_api.list_api_tokens() t")[0]
                .decode(String.self, at: 0)
        }
        return JSONResponse.raw(json)
    }

    func revoke(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError.notFound("no such token") }
        let revoked = try await context.scope.transaction { connection, _ in
            try await connection.query("select crm_api.revoke_api_token(\(id))")[0].decode(Bool.self, at: 0)
        }
        guard revoked else { throw APIError.notFound("no such token") }
        return Response(status: .noContent)
    }
}

import AccessControl
import Foundation
import Hummingbird
import PostgresClient

/// `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/me`, and the two-factor
/// routes of `AuthController+TwoFactor.swift`.
public struct AuthController: Sendable {
    let authenticator: Authenticator

    public init(authenticator: Authenticator) {
        self.authenticator = authenticator
    }

    struct LoginRequest: Decodable {
        var login: String?
        var password: String?
        /// The one-time code (TOTP or a recovery code) of an account with two-factor sign-in.
        var totpCode: String?

        enum CodingKeys: String, CodingKey {
            case login, password
            case totpCode = "totp_code"
        }
    }

    struct LoginResponse: Encodable {
        var token: String
        var tokenType = "Bearer"
        var userID: Int64
        var sessionID: Int64
        var expiresAt: Date

        enum CodingKeys: String, CodingKey {
            case token
            case tokenType = "token_type"
            case userID = "user_id"
            case sessionID = "session_id"
            case expiresAt = "expires_at"
        }
    }

    public func register(on router: some RouterMethods<CRMRequestContext>) {
        router.post("/api/v1/auth/login") { request, context in try await self.login(request, context) }
    }

    /// The routes that need a session: register them on the authenticated group.
    public func registerSignedIn(on router: some RouterMethods<CRMRequestContext>) {
        let group = router.group("/api/v1")
        group.post("/auth/logout") { request, context in try await self.logout(request, context) }
        group.get("/me") { request, context in try await self.me(request, context) }
        registerTwoFactor(on: group)
        registerLoginHistory(on: group)
    }

    func login(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let body = try await request.decode(as: LoginRequest.self, context: context)
        var problems: [APIError.FieldError] = []
        let login = body.login?.trimmingCharacters(in: .whitespaces) ?? ""
        if login.isEmpty { problems.append(.init(field: "login", message: "required")) }
        if login.count > 200 { problems.append(.init(field: "login", message: "longer than 200 characters")) }
        if login.unicodeScalars.contains("\0") { problems.append(.init(field: "login", message: "contains a NUL character")) }
        if (body.password ?? "").unicodeScalars.contains("\0") {
            problems.append(.init(field: "password", message: "contains a NUL character"))
        }
        if (body.password ?? "").isEmpty { problems.append(.init(field: "password", message: "required")) }
        if (body.password ?? "").utf8.count > 1024 { problems.append(.init(field: "password", message: "longer than 1024 bytes")) }
        if (body.totpCode ?? "").count > 64 { problems.append(.init(field: "totp_code", message: "longer than 64 characters")) }
        guard problems.isEmpty, let password = body.password else { throw APIError.validation(problems) }
        let userAgent = request.headers[.userAgent].map { String($0.prefix(200)) }
        let session = try await authenticator.login(
            login, password: password, clientIP: context.clientIP, userAgent: userAgent, oneTimeCode: body.totpCode,
            client: "api")
        return try JSONResponse.make(
            LoginResponse(token: session.token.text, userID: session.userID, sessionID: session.sessionID, expiresAt: session.expiresAt))
    }

    func logout(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let scope = try context.scope
        guard try await authenticator.logout(token: scope.token, clientIP: scope.clientIP) else {
            throw AccessError.unauthenticated(reason: "invalid_token")
        }
        return Response(status: .noContent)
    }

    func me(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let json = try await context.scope.transaction { connection, _ in
            try await connection.query("select crm_api.me()::text")[0].decode(String.self, at: 0)
        }
        return JSONResponse.raw(json)
    }
}

import AccessControl
import Foundation
import Hummingbird

/// Two-factor sign-in of the signed-in user: `GET /api/v1/me/totp` (the state),
/// `POST /api/v1/me/totp` (start: the secret and the `otpauth://` URI),
/// `POST /api/v1/me/totp/confirm` (a code from the app: on, with ten recovery codes shown once),
/// `POST /api/v1/me/totp/disable` (a code or a recovery code: off).
extension AuthController {
    struct CodeRequest: Decodable {
        var code: String?
    }

    struct StatusResponse: Encodable {
        var enabled: Bool
        var pending: Bool
        var requiredByRole: Bool
        var enforcement: String
        var recoveryCodesLeft: Int

        enum CodingKeys: String, CodingKey {
            case enabled, pending, enforcement
            case requiredByRole = "required_by_role"
            case recoveryCodesLeft = "recovery_codes_left"
        }
    }

    struct EnrolmentResponse: Encodable {
        var secret: String
        var otpauthURI: String
        var algorithm = "SHA1"
        var digits = 6
        var period = 30

        enum CodingKeys: String, CodingKey {
            case secret, algorithm, digits, period
            case otpauthURI = "otpauth_uri"
        }
    }

    struct RecoveryCodesResponse: Encodable {
        var enabled = true
        var recoveryCodes: [String]

        enum CodingKeys: String, CodingKey {
            case enabled
            case recoveryCodes = "recovery_codes"
        }
    }

    func registerTwoFactor(on group: some RouterMethods<CRMRequestContext>) {
        group.get("/me/totp") { request, context in try await self.twoFactorStatus(request, context) }
        group.post("/me/totp") { request, context in try await self.startTwoFactor(request, context) }
        group.post("/me/totp/confirm") { request, context in try await self.confirmTwoFactor(request, context) }
        group.post("/me/totp/disable") { request, context in try await self.disableTwoFactor(request, context) }
    }

    /// The acting user, checked like every request (session valid, from its network).
    private func actingUser(_ context: CRMRequestContext) async throws -> (userID: Int64, clientIP: String) {
        let scope = try context.scope
        let identity = try await scope.transaction { _, identity in identity }
        return (identity.userID, scope.clientIP)
    }

    private func code(of request: Request, _ context: CRMRequestContext, required: Bool) async throws -> String? {
        let body = try await request.decode(as: CodeRequest.self, context: context)
        let code = body.code?.trimmingCharacters(in: .whitespaces) ?? ""
        if code.isEmpty {
            if required { throw APIError.validation([.init(field: "code", message: "required")]) }
            return nil
        }
        if code.count > 64 { throw APIError.validation([.init(field: "code", message: "longer than 64 characters")]) }
        return code
    }

    func twoFactorStatus(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let user = try await actingUser(context)
        let status = try await authenticator.twoFactorStatus(of: user.userID)
        return try JSONResponse.make(
            StatusResponse(
                enabled: status.enabled, pending: status.pending, requiredByRole: status.requiredByRole,
                enforcement: status.enforcement, recoveryCodesLeft: status.recoveryCodesLeft))
    }

    func startTwoFactor(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let user = try await actingUser(context)
        let enrolment = try await authenticator.startTwoFactor(for: user.userID)
        return try JSONResponse.make(
            EnrolmentResponse(secret: enrolment.secretBase32, otpauthURI: enrolment.uri), status: .created)
    }

    func confirmTwoFactor(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let user = try await actingUser(context)
        let code = try await code(of: request, context, required: true) ?? ""
        let codes = try await authenticator.confirmTwoFactor(for: user.userID, code: code, clientIP: user.clientIP)
        return try JSONResponse.make(RecoveryCodesResponse(recoveryCodes: codes))
    }

    func disableTwoFactor(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let user = try await actingUser(context)
        let code = try await code(of: request, context, required: false)
        try await authenticator.disableTwoFactor(for: user.userID, code: code, clientIP: user.clientIP)
        return Response(status: .noContent)
    }
}

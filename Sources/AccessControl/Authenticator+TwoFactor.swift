import Credentials
import Foundation
import PostgresClient

/// Two-factor sign-in (TOTP, RFC 6238): enrolment, confirmation with a code, recovery codes,
/// turning it off, and the second step of a login. The secret is read and written only through
/// `crm_api` functions given to the pool's login (`crm_authenticator`), never in a user's
/// request transaction: no session can read it back (sql/schema/security/two_factor.sql).
extension Authenticator {
    /// A user's second factor as sign-in and the profile see it (never the secret).
    public struct TwoFactorStatus: Sendable, Equatable {
        /// Confirmed: every sign-in asks for a code.
        public let enabled: Bool
        /// Started but not confirmed yet.
        public let pending: Bool
        /// One of the user's roles requires two factors.
        public let requiredByRole: Bool
        /// `enrolled` (asked once enrolled) or `always` (refused without enrolment).
        public let enforcement: String
        public let recoveryCodesLeft: Int
    }

    /// A started enrolment: what the authenticator app needs.
    public struct TwoFactorEnrolment: Sendable {
        public let secretBase32: String
        public let uri: String
    }

    static let issuer = "CRM"

    struct TwoFactorState {
        let login: String
        let secret: [UInt8]?
        let confirmed: Bool
        let required: Bool
        let enforcement: String
        let recoveryLeft: Int
    }

    func twoFactorState(of userID: Int64) async throws -> TwoFactorState {
        let rows = try await pool.query(
            "select login, secret, confirmed, required, enforcement, recovery_left from crm_api.two_factor_state(\(userID))")
        let (login, secret, confirmed, required, enforcement, left) = try rows[0].decode(
            (String?, [UInt8]?, Bool, Bool, String, Int).self)
        return TwoFactorState(
            login: login ?? "", secret: secret, confirmed: confirmed, required: required, enforcement: enforcement,
            recoveryLeft: left)
    }

    /// The state of `userID`'s second factor.
    public func twoFactorStatus(of userID: Int64) async throws -> TwoFactorStatus {
        let state = try await twoFactorState(of: userID)
        return TwoFactorStatus(
            enabled: state.confirmed, pending: state.secret != nil && !state.confirmed, requiredByRole: state.required,
            enforcement: state.enforcement, recoveryCodesLeft: state.confirmed ? state.recoveryLeft : 0)
    }

    /// Starts (or restarts) an enrolment with a new random secret. Refused (409) while two-factor
    /// sign-in is on.
    public func startTwoFactor(for userID: Int64) async throws -> TwoFactorEnrolment {
        let state = try await twoFactorState(of: userID)
        let secret = try TOTP.generateSecret()
        _ = try await pool.query("select crm_api.totp_start(\(userID), \(secret)::bytea)")
        return TwoFactorEnrolment(
            secretBase32: Base32.encode(secret),
            uri: TOTP(secret: secret).provisioningURI(account: state.login, issuer: Authenticator.issuer))
    }

    /// Confirms the started enrolment with a code from the app; returns the ten recovery codes
    /// (shown once; only their hashes are kept). A wrong code: `AccessError.totpInvalid`.
    public func confirmTwoFactor(
        for userID: Int64, code: String, clientIP: String, now: Date = Date()
    ) async throws
        -> [String]
    {
        let state = try await twoFactorState(of: userID)
        guard let secret = state.secret, !state.confirmed else { throw AccessError.totpNotStarted }
        guard let step = TOTP(secret: secret).matchingStep(of: code, at: now) else { throw AccessError.totpInvalid }
        var codes: [String] = []
        while codes.count < 10 {
            let code = try RecoveryCode.generate()
            if !codes.contains(code) { codes.append(code) }
        }
        let hashes = codes.map { Hex.encode(RecoveryCode.hash(RecoveryCode.normalise($0)!)) }
        _ = try await pool.query("select crm_api.totp_confirm(\(userID), \(step), \(hashes), \(clientIP)::inet)")
        return codes
    }

    /// Turns two-factor sign-in off after checking a code (or a recovery code); drops a started
    /// enrolment without one. A wrong code: `AccessError.totpInvalid`.
    public func disableTwoFactor(for userID: Int64, code: String?, clientIP: String, now: Date = Date()) async throws {
        let state = try await twoFactorState(of: userID)
        if state.confirmed {
            guard let code, let secret = state.secret,
                try await acceptSecondFactor(code, userID: userID, secret: secret, now: now)
            else { throw AccessError.totpInvalid }
        }
        _ = try await pool.query("select crm_api.totp_disable(\(userID), \(clientIP)::inet)")
    }

    /// Whether `code` is a good second factor for `userID` now: a TOTP code of a step not used
    /// before, or an unused recovery code (spent by this call).
    func acceptSecondFactor(_ code: String, userID: Int64, secret: [UInt8], now: Date) async throws -> Bool {
        if let step = TOTP(secret: secret).matchingStep(of: code, at: now) {
            let rows = try await pool.query("select crm_api.totp_accept_step(\(userID), \(step))")
            return try rows[0].decode(Bool.self, at: 0)
        }
        guard let recovery = RecoveryCode.normalise(code) else { return false }
        let rows = try await pool.query(
            "select crm_api.totp_use_recovery_code(\(userID), \(RecoveryCode.hash(recovery))::bytea)")
        return try rows[0].decode(Bool.self, at: 0)
    }

    /// The second step of a login whose password was right: nothing to do without TOTP (unless a
    /// role requires it and the company enforces it always); otherwise the code must be good.
    /// A wrong code counts as a failed login towards the lockout.
    func checkSecondFactor(_ attempt: Attempt, userID: Int64, code: String?) async throws {
        let state = try await twoFactorState(of: userID)
        guard state.confirmed, let secret = state.secret else {
            if state.required && state.enforcement == "always" {
                try await attempt.refused("two_factor_not_enrolled", on: pool)
                throw AccessError.loginRefused(reason: "two_factor_not_enrolled")
            }
            return
        }
        let typed = code?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !typed.isEmpty else {
            try await attempt.refused("totp_required", on: pool)
            throw AccessError.totpRequired
        }
        if try await acceptSecondFactor(typed, userID: userID, secret: secret, now: Date()) { return }
        let failed = try await pool.query(
            "select locked, locked_until from crm_api.login_failed(\(attempt.login), \(attempt.clientIP)::inet, 'totp_invalid', \(attempt.client), \(attempt.userAgent))"
        )
        let (locked, until) = try failed[0].decode((Bool, Date?).self)
        if locked { throw AccessError.locked(until: until) }
        throw AccessError.totpInvalid
    }
}

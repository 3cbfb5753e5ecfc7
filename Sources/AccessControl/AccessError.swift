import Foundation

/// Why a login or a request was refused. Messages never say whether a login exists.
public enum AccessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Wrong login or password (the same answer for both).
    case invalidCredentials
    /// Too many failed logins for this login or from this address.
    case locked(until: Date?)
    /// The credentials were right but the login is not allowed now or from here.
    case loginRefused(reason: String)
    /// No valid session or token (missing, expired, ended, or used from another network).
    case unauthenticated(reason: String)
    /// Authenticated, but the action is not allowed.
    case forbidden(reason: String)
    /// The password was right; the account has two-factor sign-in and no code was given.
    case totpRequired
    /// The one-time code (or recovery code) is wrong, was used already, or is out of time.
    case totpInvalid
    /// Confirming two-factor sign-in that was not started.
    case totpNotStarted

    public var description: String {
        switch self {
        case .invalidCredentials: return "wrong login or password"
        case .locked: return "too many failed logins; try again later"
        case .loginRefused(let reason): return "login refused: \(AccessError.explain(reason))"
        case .unauthenticated(let reason): return "not signed in: \(AccessError.explain(reason))"
        case .forbidden(let reason): return "forbidden: \(reason)"
        case .totpRequired: return "a one-time code from the authenticator app is required"
        case .totpInvalid: return "wrong or used one-time code"
        case .totpNotStarted: return "no two-factor enrolment was started (POST /api/v1/me/totp first)"
        }
    }

    /// Plain words for the database's reason codes.
    static func explain(_ reason: String) -> String {
        switch reason {
        case "network_refused": return "this network is not allowed for this account"
        case "outside_login_hours": return "outside the login hours of your role"
        case "user_disabled": return "the account is disabled"
        case "invalid_token": return "the session or token is not valid"
        case "session_expired": return "the session has expired; sign in again"
        case "session_idle": return "the session ended after inactivity; sign in again"
        case "network_mismatch": return "the session was opened from another network; sign in again"
        case "token_expired": return "the token has expired"
        case "missing_token": return "no bearer token was sent"
        case "two_factor_not_enrolled": return "your role requires two-factor sign-in; set it up first"
        default: return reason.replacingOccurrences(of: "_", with: " ")
        }
    }
}

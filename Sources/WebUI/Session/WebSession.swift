import Credentials
import HTTPAPI
import HTTPTypes
import Hummingbird

/// The browser's session: the same session token as the API's bearer token (same table, idle
/// and absolute timeouts, network binding), kept in an HttpOnly cookie. The CSRF token of a
/// session is derived from its secret token (SHA-256 with a domain prefix): the page embeds it,
/// and an attacker's page can neither read the cookie nor compute it.
enum WebSession {
    /// The cookie holding the session token.
    static let cookie = "crm_session"
    /// The double-submit cookie of the sign-in form (there is no session yet).
    static let loginCookie = "crm_login_csrf"
    /// The chosen language, when switched without signing in.
    static let languageCookie = "crm_lang"
    /// The header the scripts send the CSRF token in.
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    /// The form field the CSRF token is posted in.
    static let csrfField = "_csrf"

    /// The session token of the request's cookie.
    static func token(_ request: Request) -> String? {
        Cookies.value(cookie, in: request)
    }

    /// The CSRF token that belongs to session `token`.
    static func csrf(for token: String) -> String {
        Hex.encode(SHA256.digest("crm-web-csrf:\(token)"))
    }

    /// Whether `candidate` is the CSRF token of session `token` (constant time).
    static func csrfMatches(_ candidate: String?, token: String) -> Bool {
        guard let candidate else { return false }
        return ConstantTime.equal(Array(candidate.utf8), Array(csrf(for: token).utf8))
    }

    /// Whether the request came over TLS: a TLS-terminating proxy we trust (its forwarded
    /// address was believed) says `X-Forwarded-Proto: https`, or the server is told so.
    static func overTLS(_ request: Request, _ context: CRMRequestContext, force: Bool) -> Bool {
        if force { return true }
        guard context.clientIP != context.peerIP else { return false }
        return request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }
}

import AccessControl
import HTTPAPI
import Hummingbird
import Logging

/// The staff web interface, served by the same process as the API: server-rendered pages
/// (`Pages/`, `Templates/`), its own CSS and JavaScript (`Assets/`), the texts of each language
/// (`I18n/`) and the cookie session with CSRF tokens (`Session/`). Every page reads its data
/// in the request's transaction (`context.scope`, the session cookie's `RequestScope`) — the
/// API's per-request context under row-level security —
/// and writes go through the JSON API itself (`SessionBridge`), so the rules are the same.
public struct WebUI: Sendable {
    let database: UserDatabase
    let authenticator: Authenticator
    /// Mark cookies `Secure` even without a trusted TLS proxy saying so.
    let secureCookies: Bool

    public init(database: UserDatabase, authenticator: Authenticator, secureCookies: Bool = false) {
        self.database = database
        self.authenticator = authenticator
        self.secureCookies = secureCookies
    }

    /// The middleware that lets the pages' scripts call the API with the session cookie;
    /// add it to the router before the API routes.
    public static var sessionBridge: SessionBridge { SessionBridge() }

    /// Adds the pages and assets to `router`.
    public func register(on router: Router<CRMRequestContext>) {
        let runner = PageRunner(secureCookies: secureCookies)
        AssetsController().register(on: router)
        // The session cookie is the pages' credential; without one a page redirects to sign in.
        let router = router.group().add(
            middleware: AuthenticationMiddleware(database: database, credential: WebSession.token, whenMissing: .passOn))
        SignInController(runner: runner, authenticator: authenticator).register(on: router)
        ProfilePage(runner: runner, authenticator: authenticator).register(on: router)
        BoardPage(runner: runner).register(on: router)
        DealPage(runner: runner).register(on: router)
        ClientPage(runner: runner).register(on: router)
        ClientsPage(runner: runner).register(on: router)
        TasksPage(runner: runner).register(on: router)
        ReportsPage(runner: runner).register(on: router)
        AdminPages(runner: runner).register(on: router)
    }
}

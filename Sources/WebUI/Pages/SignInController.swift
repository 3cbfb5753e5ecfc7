import AccessControl
import Credentials
import HTTPAPI
import Hummingbird

/// Sign in (`GET|POST /login`), sign out (`POST /logout`), the language switch
/// (`POST /language`) and `/` (to the board). The sign-in form is protected by a double-submit
/// CSRF cookie; sign-out and the switch by the session's CSRF token. Refusals are explained in
/// words: wrong password, lockout, network, login hours, a disabled account, an ended session.
struct SignInController: Sendable {
    let runner: PageRunner
    let authenticator: Authenticator

    static func path(next: String?, reason: String?) -> String {
        var query: [String] = []
        if let next, next != "/", next != "/board" {
            query.append("next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
        if let reason { query.append("reason=" + (reason.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
        return "/login" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.get("/") { _, _ in PageRunner.redirect("/board") }
        router.get("/login") { request, context in try self.form(request, context, problem: nil, login: "") }
        router.post("/login") { request, context in try await self.signIn(request, context) }
        router.post("/logout") { request, context in try await self.signOut(request, context) }
        router.post("/language") { request, context in try await self.switchLanguage(request, context) }
    }

    func language(_ request: Request) -> Language {
        Cookies.value(WebSession.languageCookie, in: request).flatMap(Language.init(rawValue:)) ?? .ru
    }

    func form(
        _ request: Request, _ context: CRMRequestContext, problem: String?, login: String, status: HTTPResponse.Status = .ok
    ) throws
        -> Response
    {
        let t = language(request).texts
        let csrf = try Cookies.value(WebSession.loginCookie, in: request) ?? Hex.encode(SecureRandom.bytes(16))
        let reason = request.uri.queryParameters["reason"].map(String.init)
        let notice = problem ?? reason.map { Self.explain(sessionReason: $0, t) }
        let next = PageRunner.localPath(request.uri.queryParameters["next"].map(String.init))
        let other: Language = t.language == .ru ? .en : .ru
        let page: HTML = """
            <!doctype html>
            <html lang="\(t.language.rawValue)">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(t[.signInTitle]) — \(t[.appName])</title><link rel="stylesheet" href="/assets/app.css"></head>
            <body class="signin">
            <main class="narrow">
              <form method="post" action="/login" class="card signin-form" id="signin">
                <h1>\(t[.appName])</h1>
                <p class="muted">\(t[.signInLead])</p>
                \(HTML.when(notice != nil, "<p class=\"alert\" id=\"signin-problem\" role=\"alert\">\(notice ?? "")</p>"))
                <input type="hidden" name="_csrf" value="\(csrf)">
                <input type="hidden" name="next" value="\(next)">
                <label>\(t[.login])<input name="login" autocomplete="username" required autofocus value="\(login)"></label>
                <label>\(t[.password])<input name="password" type="password" autocomplete="current-password" required></label>
                <label>\(t[.totpCode])<input name="totp_code" autocomplete="one-time-code" inputmode="numeric" maxlength="64"></label>
                <button type="submit" class="primary">\(t[.signIn])</button>
              </form>
              <form method="post" action="/language" class="center">
                <input type="hidden" name="_csrf" value="\(csrf)">
                <input type="hidden" name="to" value="\(other.rawValue)">
                <input type="hidden" name="next" value="/login">
                <button type="submit" class="link">\(other == .en ? "English" : "Русский")</button>
              </form>
            </main>
            </body></html>
            """
        let cookie = Cookies.make(
            WebSession.loginCookie, csrf, sameSite: "Strict", secure: WebSession.overTLS(request, context, force: runner.secureCookies))
        return PageRunner.html(page.text, status: status, cookies: [cookie])
    }

    func signIn(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let t = language(request).texts
        let expected = Cookies.value(WebSession.loginCookie, in: request)
        guard let expected, let sent = form[WebSession.csrfField], ConstantTime.equal(Array(expected.utf8), Array(sent.utf8)) else {
            return try self.form(request, context, problem: t[.csrfExpired], login: form["login"] ?? "", status: .forbidden)
        }
        let login = (form["login"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        guard !login.isEmpty, !password.isEmpty, login.count <= 200, password.utf8.count <= 1024 else {
            return try self.form(request, context, problem: t[.loginMissing], login: login, status: .unprocessableContent)
        }
        do {
            let session = try await authenticator.login(
                login, password: password, clientIP: context.clientIP, purpose: .web,
                userAgent: request.headers[.userAgent].map { String($0.prefix(200)) },
                oneTimeCode: form["totp_code"].map { String($0.prefix(64)) })
            let secure = WebSession.overTLS(request, context, force: runner.secureCookies)
            return PageRunner.redirect(
                PageRunner.localPath(form["next"]),
                cookies: [
                    Cookies.make(WebSession.loginCookie, "", sameSite: "Strict", secure: secure, maxAge: 0),
                    Cookies.make(WebSession.cookie, session.token.text, secure: secure),
                ])
        } catch let error as AccessError {
            let (problem, status): (String, HTTPResponse.Status) =
                switch error {
                case .invalidCredentials: (t[.loginWrong], .unauthorized)
                case .locked: (t[.loginLocked], .tooManyRequests)
                case .loginRefused(let reason): (Self.explain(loginReason: reason, t), .forbidden)
                case .unauthenticated(let reason): (Self.explain(sessionReason: reason, t), .unauthorized)
                case .forbidden: (t[.errorForbidden], .forbidden)
                case .totpRequired: (t[.totpRequired], .unauthorized)
                case .totpInvalid, .totpNotStarted: (t[.totpInvalid], .unauthorized)
                }
            return try self.form(request, context, problem: problem, login: login, status: status)
        }
    }

    func signOut(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let secure = WebSession.overTLS(request, context, force: runner.secureCookies)
        guard let token = WebSession.token(request) else { return PageRunner.redirect("/login") }
        guard WebSession.csrfMatches(form[WebSession.csrfField], token: token) else {
            return PageRunner.html(
                Layout.error(status: 403, message: language(request).texts[.csrfExpired], texts: language(request).texts).text,
                status: .forbidden)
        }
        _ = try? await authenticator.logout(token: token, clientIP: context.clientIP)
        return PageRunner.redirect("/login?reason=signed_out", cookies: [Cookies.make(WebSession.cookie, "", secure: secure, maxAge: 0)])
    }

    func switchLanguage(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let sent = form[WebSession.csrfField]
        let valid: Bool
        if let token = WebSession.token(request) {
            valid = WebSession.csrfMatches(sent, token: token)
        } else if let expected = Cookies.value(WebSession.loginCookie, in: request), let sent {
            valid = ConstantTime.equal(Array(expected.utf8), Array(sent.utf8))
        } else {
            valid = false
        }
        guard valid, let to = form["to"].flatMap(Language.init(rawValue:)) else {
            return PageRunner.html(Layout.error(status: 403, message: nil, texts: language(request).texts).text, status: .forbidden)
        }
        if let scope = context.authenticated {
            // Signed in: the choice is the user's stored language, on every device.
            try? await scope.transaction { connection, _ in
                _ = try await connection.query("select crm_api.set_my_preferences(null, \(to.locale))")
            }
        }
        let secure = WebSession.overTLS(request, context, force: runner.secureCookies)
        return PageRunner.redirect(
            PageRunner.localPath(form["next"]),
            cookies: [Cookies.make(WebSession.languageCookie, to.rawValue, secure: secure, maxAge: 365 * 86400)])
    }

    static func explain(loginReason reason: String, _ t: Texts) -> String {
        switch reason {
        case "network_refused": return t[.loginNetwork]
        case "outside_login_hours": return t[.loginHours]
        case "user_disabled": return t[.loginDisabled]
        default: return t[.loginRefused]
        }
    }

    static func explain(sessionReason reason: String, _ t: Texts) -> String {
        switch reason {
        case "signed_out": return t[.signedOut]
        case "session_expired": return t[.sessionExpired]
        case "session_idle": return t[.sessionIdle]
        case "network_mismatch": return t[.sessionNetwork]
        case "outside_login_hours": return t[.loginHours]
        case "user_disabled": return t[.loginDisabled]
        default: return t[.sessionInvalid]
        }
    }
}

import AccessControl
import HTTPAPI
import HTTPTypes
import Hummingbird
import PostgresClient

/// Runs a page: takes the session from `context.scope` (the session cookie, put there by
/// `WebUI`'s `AuthenticationMiddleware`), opens the request's transaction as the user (the API's
/// context), loads the user, calls the page and wraps
/// its body in the layout. A missing or ended session goes to the sign-in page with the reason;
/// any other refusal is the API's status (403, 404, …) on an error page.
struct PageRunner: Sendable {
    let secureCookies: Bool

    typealias Handler = @Sendable (PageContext) async throws -> PageOutput

    /// Registers `handler` for GET `path`.
    func get(_ router: some RouterMethods<CRMRequestContext>, _ path: RouterPath, _ handler: @escaping Handler) {
        router.get(path) { request, context in await self.run(request, context, handler) }
    }

    /// Registers `handler` for a form POST to `path`: refused (403) unless the form carries
    /// the session's CSRF token.
    func post(
        _ router: some RouterMethods<CRMRequestContext>, _ path: RouterPath,
        _ handler: @escaping @Sendable (PageContext, FormBody) async throws -> PageOutput
    ) {
        router.post(path) { request, context in
            let form = try await FormBody.read(request)
            guard let token = context.authenticated?.token else { return Self.redirect(SignInController.path(next: nil, reason: nil)) }
            guard WebSession.csrfMatches(form[WebSession.csrfField], token: token) else {
                let texts = (Cookies.value(WebSession.languageCookie, in: request).flatMap(Language.init(rawValue:)) ?? .ru).texts
                return Self.html(Layout.error(status: 403, message: texts[.csrfExpired], texts: texts).text, status: .forbidden)
            }
            return await self.run(request, context) { page in try await handler(page, form) }
        }
    }

    func run(_ request: Request, _ context: CRMRequestContext, _ handler: @escaping Handler) async -> Response {
        let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        guard let scope = context.authenticated else { return Self.redirect(SignInController.path(next: next, reason: nil)) }
        let override = Cookies.value(WebSession.languageCookie, in: request).flatMap(Language.init(rawValue:))
        do {
            let output: (status: HTTPResponse.Status, html: String?, location: String?, file: (String, String)?) =
                try await scope.transaction {
                    connection, identity in
                    let user = try await Self.loadUser(identity.userID, on: connection)
                    let texts = Language(locale: user.locale).texts
                    let page = PageContext(
                        connection: connection, user: user, texts: texts, csrf: WebSession.csrf(for: scope.token), request: request,
                        clientIP: identity.clientIP, sessionID: identity.sessionID)
                    switch try await handler(page) {
                    case .redirect(let location):
                        return (.seeOther, nil, location, nil)
                    case .page(let title, let section, let body):
                        return (.ok, Layout.page(title: title, section: section, body: body, page: page).text, nil, nil)
                    case .download(let filename, let contentType, let body):
                        return (.ok, body, nil, (filename, contentType))
                    }
                }
            if let location = output.location { return Self.redirect(location) }
            if let (filename, contentType) = output.file {
                var headers = HTTPFields()
                headers[.contentType] = contentType
                headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
                Self.securityHeaders(&headers)
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: output.html ?? "")))
            }
            return Self.html(output.html ?? "", status: output.status)
        } catch AccessError.unauthenticated(let reason) {
            var response = Self.redirect(SignInController.path(next: next, reason: reason))
            response.headers[values: .setCookie].append(
                Cookies.make(WebSession.cookie, "", secure: WebSession.overTLS(request, context, force: secureCookies), maxAge: 0))
            return response
        } catch {
            let texts = (override ?? .ru).texts
            let described = APIError.describe(error, language: MessageLanguage(rawValue: texts.language.rawValue) ?? .ru)
            if described == nil { context.logger.error("page failed", metadata: ["error": "\(String(reflecting: error))"]) }
            let status = described?.status ?? .internalServerError
            return Self.html(Layout.error(status: status.code, message: described?.message, texts: texts).text, status: status)
        }
    }

    static func loadUser(_ id: Int64, on connection: PostgresConnection) async throws -> WebUser {
        let rows = try await connection.query(
            """
            with me as (select crm_api.me() as j)
            select u.login, u.name, u.time_zone, u.locale, coalesce((me.j ->> 'admin')::boolean, false),
              (select count(*) from crm.notifications n where n.user_id = u.id and n.read_at is null)::int,
              (select max(n.id) from crm.notifications n where n.user_id = u.id),
              (me.j -> 'permissions') ? 'report.export'
            from crm.users u, me where u.id = \(id)
            """)
        guard let row = rows.first else { throw AccessError.unauthenticated(reason: "invalid_token") }
        return WebUser(
            id: id, login: row[0] ?? "", name: row[1] ?? "", timeZone: row[2] ?? "Europe/Moscow", locale: row[3] ?? "ru-RU",
            admin: row[4] == "t", unread: Int(row[5] ?? "0") ?? 0, lastNotification: row[6].flatMap(Int64.init),
            mayExportReports: row[7] == "t")
    }

    /// The security headers of every page: a CSP without inline scripts or styles, no framing,
    /// no sniffing, no caching of personal pages.
    static func securityHeaders(_ headers: inout HTTPFields) {
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[.cacheControl] = "no-store"
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok, cookies: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        securityHeaders(&headers)
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        securityHeaders(&headers)
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// A path of this site only (`next=` never leads elsewhere).
    static func localPath(_ candidate: String?) -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.contains("\\") else { return "/board" }
        return candidate
    }
}

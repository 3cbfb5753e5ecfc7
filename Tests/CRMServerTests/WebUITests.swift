import Foundation
import TestSupport
import Testing

@testable import WebUI

/// The staff web interface over real sockets: the session cookie's flags, CSRF refusals, the
/// Content-Security-Policy, escaping of stored values, and that a page shows no row the API
/// would not (row-level security through the same per-request context).
@Suite("Web interface", .serialized, .stopsItsServers)
struct WebUITests {
    /// A browser-like client: signs in through the form and keeps the session cookie.
    struct Browser {
        let server: RunningServer
        let session: String

        static func signIn(_ server: RunningServer, _ login: String) async throws -> Browser {
            let form = try await server.get("/login")
            let csrf = try #require(cookie("crm_login_csrf", in: form.headers["set-cookie"]))
            let response = try await server.post(
                "/login", body: "_csrf=\(csrf)&login=\(login)&password=\(RunningServer.demoPassword)",
                headers: ["Cookie": "crm_login_csrf=\(csrf)", "Content-Type": "application/x-www-form-urlencoded"])
            #expect(response.status == 303, "\(response.status) \(response.body)")
            let session = try #require(cookie("crm_session", in: response.headers["set-cookie"]))
            return Browser(server: server, session: session)
        }

        var csrf: String { WebSession.csrf(for: session) }

        func get(_ path: String) async throws -> HTTPTestResponse {
            try await server.get(path, headers: ["Cookie": "crm_session=\(session)"])
        }

        func request(_ method: String, _ path: String, body: String?, headers: [String: String] = [:]) async throws -> HTTPTestResponse {
            try await server.request(method, path, headers: headers.merging(["Cookie": "crm_session=\(session)"]) { a, _ in a }, body: body)
        }
    }

    static func cookie(_ name: String, in header: String?) -> String? {
        guard let header, header.hasPrefix(name + "=") else { return nil }
        let value = header.dropFirst(name.count + 1).prefix { $0 != ";" }
        return value.isEmpty ? nil : String(value)
    }

    static func dealIDs(in html: String) -> Set<Int64> {
        Set(html.matches(of: /data-deal-id="([0-9]+)"/).compactMap { Int64($0.1) })
    }

    @Test("the session cookie is HttpOnly and SameSite, Secure only over TLS; pages carry a strict CSP")
    func cookiesAndHeaders() async throws {
        let server = try await RunningServer.start(demo: true, trustedProxies: ["127.0.0.1"])
        do {
            let form = try await server.get("/login")
            #expect(form.status == 200)
            #expect(form.headers["content-type"] == "text/html; charset=utf-8")
            let csp = try #require(form.headers["content-security-policy"])
            #expect(csp.contains("script-src 'self'") && csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"))
            #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"))
            #expect(form.headers["x-content-type-options"] == "nosniff")
            #expect(!form.body.contains("<script>"), "no inline script")
            let loginCookie = try #require(form.headers["set-cookie"])
            #expect(loginCookie.contains("HttpOnly") && loginCookie.contains("SameSite=Strict") && !loginCookie.contains("Secure"))

            let csrf = try #require(Self.cookie("crm_login_csrf", in: loginCookie))
            let plain = try await server.post(
                "/login", body: "_csrf=\(csrf)&login=manager.msk&password=\(RunningServer.demoPassword)",
                headers: ["Cookie": "crm_login_csrf=\(csrf)", "Content-Type": "application/x-www-form-urlencoded"])
            #expect(plain.status == 303 && plain.headers["location"] == "/board")
            let session = try #require(plain.headers["set-cookie"])
            #expect(session.hasPrefix("crm_session=crm_s_"))
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"))
            #expect(!session.contains("Secure"))

            // Behind a trusted TLS-terminating proxy the cookie is Secure.
            let overTLS = try await server.post(
                "/login", body: "_csrf=\(csrf)&login=manager.msk&password=\(RunningServer.demoPassword)",
                headers: [
                    "Cookie": "crm_login_csrf=\(csrf)", "Content-Type": "application/x-www-form-urlencoded",
                    "X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https",
                ])
            #expect(overTLS.status == 303)
            #expect(overTLS.headers["set-cookie"]?.contains("; Secure") == true)

            // The board with the session: HTML with the CSP, the CSRF token in a meta tag.
            let token = try #require(Self.cookie("crm_session", in: session))
            let board = try await server.get("/board", headers: ["Cookie": "crm_session=\(token)"])
            #expect(board.status == 200)
            #expect(board.headers["content-security-policy"] == csp)
            #expect(board.body.contains("<meta name=\"csrf-token\" content=\"\(WebSession.csrf(for: token))\">"))
            #expect(board.body.contains("<script src=\"/assets/app.js\" defer></script>"))
            // Without a session: to the sign-in page; wrong password: explained, 401.
            let anonymous = try await server.get("/board")
            #expect(anonymous.status == 303 && anonymous.headers["location"]?.hasPrefix("/login") == true)
            let wrong = try await server.post(
                "/login", body: "_csrf=\(csrf)&login=manager.msk&password=nope",
                headers: ["Cookie": "crm_login_csrf=\(csrf)", "Content-Type": "application/x-www-form-urlencoded"])
            #expect(wrong.status == 401 && wrong.body.contains("Неверный логин или пароль"))
            let script = try await server.get("/assets/app.js")
            #expect(script.status == 200 && script.headers["content-type"] == "text/javascript; charset=utf-8")
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("state changes without the CSRF token are refused: forms, sign-in, sign-out and API calls by cookie")
    func csrf() async throws {
        let server = try await RunningServer.start(demo: true)
        do {
            let browser = try await Browser.signIn(server, "manager.msk")
            let form = ["Content-Type": "application/x-www-form-urlencoded"]
            // A form without the token, or with another session's token.
            #expect(try await browser.request("POST", "/profile", body: "time_zone=Asia/Omsk", headers: form).status == 403)
            #expect(
                try await browser.request(
                    "POST", "/profile", body: "_csrf=\(WebSession.csrf(for: "other"))&time_zone=Asia/Omsk", headers: form
                ).status == 403)
            #expect(try await browser.request("POST", "/logout", body: "", headers: form).status == 403)
            // The sign-in form without its double-submit cookie.
            let login = try await server.post(
                "/login", body: "_csrf=abc&login=manager.msk&password=\(RunningServer.demoPassword)", headers: form)
            #expect(login.status == 403)
            // The API by cookie: reads work, writes need X-CSRF-Token.
            #expect(try await browser.get("/api/v1/me").status == 200)
            let refused = try await browser.request("POST", "/api/v1/notifications/read-all", body: "{}")
            #expect(refused.status == 403 && refused.body.contains("CSRF"))
            let allowed = try await browser.request(
                "POST", "/api/v1/notifications/read-all", body: "{}", headers: ["X-CSRF-Token": browser.csrf])
            #expect(allowed.status == 200, "\(allowed.body)")
            // With the token the profile form saves (through crm_api.set_my_preferences).
            let saved = try await browser.request(
                "POST", "/profile", body: "_csrf=\(browser.csrf)&time_zone=Asia%2FOmsk&language=en", headers: form)
            #expect(saved.status == 303)
            let me = try await browser.get("/api/v1/me")
            #expect(me.body.contains("\"time_zone\": \"Asia/Omsk\"") || me.body.contains("\"time_zone\":\"Asia/Omsk\""))
            #expect(try await browser.get("/profile").body.contains("<html lang=\"en\">"))
            // Sign-out with the token ends the session for the API too.
            #expect(try await browser.request("POST", "/logout", body: "_csrf=\(browser.csrf)", headers: form).status == 303)
            #expect(try await browser.get("/api/v1/me").status == 401)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("stored values are escaped on every page")
    func escaping() async throws {
        let server = try await RunningServer.start(demo: true, demoData: true)
        do {
            let api = try await APIClient.signIn(server, "manager.msk")
            let hostile = #"<script>alert(1)</script> & "Ко" 'x' <img src=x onerror=alert(2)>"#
            let client = try await api.create("/api/v1/clients", #"{"name": \#(JSONValueText.quote(hostile))}"#)
            let pipeline = try #require(try await api.get("/api/v1/pipelines").items.first?["id"] as? NSNumber)
            let deal = try await api.create(
                "/api/v1/deals", #"{"title": \#(JSONValueText.quote(hostile)), "client_id": \#(client), "pipeline_id": \#(pipeline)}"#)
            let browser = try await Browser.signIn(server, "manager.msk")
            let escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Ко&quot; &#39;x&#39; &lt;img src=x onerror=alert(2)&gt;"
            for path in [
                "/clients/\(client)", "/deals/\(deal)", "/board?pipeline=\(pipeline)", "/deals?pipeline=\(pipeline)",
                "/board?pipeline=\(pipeline)&q=%3Cscript%3Ealert(3)%3C%2Fscript%3E",
            ] {
                let page = try await browser.get(path)
                #expect(page.status == 200, "\(path): \(page.status)")
                #expect(!page.body.contains("<script>alert"), "\(path) contains a raw script")
                #expect(!page.body.contains("<img src=x"), "\(path) contains a raw img")
                if !path.contains("q=") { #expect(page.body.contains(escaped), "\(path) shows the escaped value") }
            }
            #expect(HTML.escape(hostile) == escaped)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("a page shows no row the API would not: boards, lists and cards follow row-level security")
    func rowsAsTheAPI() async throws {
        let server = try await RunningServer.start(demo: true, demoData: true)
        do {
            for login in ["manager.spb", "manager.msk", "junior.msk"] {
                let api = try await APIClient.signIn(server, login)
                let visible = Set(try await api.get("/api/v1/deals?limit=500").ids)
                let browser = try await Browser.signIn(server, login)
                var shown: Set<Int64> = []
                for pipeline in try await api.get("/api/v1/pipelines").items.compactMap({ ($0["id"] as? NSNumber)?.int64Value }) {
                    let board = try await browser.get("/board?pipeline=\(pipeline)")
                    #expect(board.status == 200)
                    shown.formUnion(Self.dealIDs(in: board.body))
                    let list = try await browser.get("/deals?pipeline=\(pipeline)")
                    let listed = Set(list.body.matches(of: /href="\/deals\/([0-9]+)"/).compactMap { Int64($0.1) })
                    #expect(listed.isSubset(of: visible), "\(login): list rows the API does not show")
                }
                #expect(!shown.isEmpty, "\(login) sees deals on the board")
                #expect(shown.isSubset(of: visible), "\(login): board cards the API does not show: \(shown.subtracting(visible))")
                // A deal and a client the user cannot see: 404 on the page as in the API.
                let director = try await APIClient.signIn(server, "director")
                let hidden = Set(try await director.get("/api/v1/deals?limit=500").ids).subtracting(visible)
                if let other = hidden.first {
                    #expect(try await api.get("/api/v1/deals/\(other)").status == 404)
                    #expect(try await browser.get("/deals/\(other)").status == 404)
                }
            }
            // St Petersburg sees none of the Moscow manager's deals.
            let moscow = Set(try await APIClient.signIn(server, "manager.msk").get("/api/v1/deals?limit=500").ids)
            let spb = try await Browser.signIn(server, "manager.spb")
            #expect(Self.dealIDs(in: try await spb.get("/board").body).isDisjoint(with: moscow))
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("the funnel page draws its SVG chart; the CSV is offered and served only where the role may export")
    func reports() async throws {
        let server = try await RunningServer.start(demo: true, demoData: true)
        do {
            let director = try await Browser.signIn(server, "director")
            let page = try await director.get("/reports/funnel")
            #expect(page.status == 200 && page.body.contains("<svg class=\"chart\"") && page.body.contains("id=\"csv\""))
            let csv = try await director.get("/reports/funnel/csv")
            #expect(csv.status == 200 && csv.headers["content-type"] == "text/csv; charset=utf-8")
            #expect(csv.headers["content-disposition"] == "attachment; filename=\"funnel.csv\"")
            #expect(csv.body.contains("Стадия;Сделок;Сумма"))
            let manager = try await Browser.signIn(server, "manager.msk")
            #expect(!(try await manager.get("/reports/funnel").body.contains("id=\"csv\"")))
            #expect(try await manager.get("/reports/funnel/csv").status == 403)
            #expect(try await manager.get("/admin/roles").status == 403)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("every catalog report page answers with its title, table and chart; rows are the API's; CSV only with the export right")
    func catalogReports() async throws {
        let server = try await ReportsAPITests.start()
        do {
            let texts = Texts(language: .ru)
            let period = "from=2025-01-01&to=2025-12-31"
            let director = try await Browser.signIn(server, "director")
            let manager = try await Browser.signIn(server, "manager.msk")
            let index = try await director.get("/reports")
            for report in CatalogReport.pages {
                #expect(index.body.contains("href=\"/reports/\(report.slug)\""), "\(report.slug) listed")
                for (browser, mayExport) in [(director, true), (manager, false)] {
                    let page = try await browser.get("/reports/\(report.slug)?\(period)&as_of=2025-12-31")
                    #expect(page.status == 200, "\(report.slug): \(page.status)")
                    #expect(page.body.contains("<h1>\(HTML.escape(texts[report.title]))</h1>"), "\(report.slug) title")
                    #expect(page.body.contains("<table class=\"list report\" id=\"report-table\""), "\(report.slug) table")
                    #expect(page.body.contains("id=\"csv\"") == mayExport, "\(report.slug) CSV link")
                }
            }
            // A chart where one makes sense: the nine cells, the quadrants, the ageing bars.
            let abc = try await director.get("/reports/abc-xyz?\(period)")
            #expect(
                abc.body.contains("<svg class=\"chart matrix\"") && abc.body.contains("data-cell=\"AX\"")
                    && abc.body.contains("data-cell=\"CZ\""))
            #expect(try await director.get("/reports/bcg?\(period)").body.contains("<svg class=\"chart bcg\""))
            let debtsPage = try await director.get("/reports/debts?as_of=2025-12-31")
            #expect(debtsPage.body.contains("<svg class=\"chart\"") && debtsPage.body.contains(texts[.colOverdueOver90]))

            // The same rows as the API answers the same user (row rules decide, never the page).
            for login in ["manager.msk", "director"] {
                let browser = login == "director" ? director : manager
                let api = try await APIClient.signIn(server, login)
                for (slug, name, query) in [("debts", "receivables", "as_of=2025-12-31"), ("abc-xyz", "abc_xyz", period)] {
                    let rows = ReportsAPITests.rows(try await api.get("/api/v1/reports/\(name)?\(query)"))
                    let page = try await browser.get("/reports/\(slug)?\(query)").body
                    let table = String(page[try #require(page.range(of: "id=\"report-table\"")).lowerBound...])
                    #expect(!rows.isEmpty, "\(login) \(name) has rows")
                    #expect(table.components(separatedBy: "<tr>").count - 2 == rows.count, "\(login) \(slug): as many rows as the API")
                    for row in rows {
                        let client = try #require(row["client"] as? String)
                        #expect(table.contains(HTML.escape(client)), "\(login) \(slug): \(client)")
                    }
                }
            }
            let managerRows = ReportsAPITests.rows(
                try await APIClient.signIn(server, "manager.msk").get("/api/v1/reports/receivables?as_of=2025-12-31"))
            let directorRows = ReportsAPITests.rows(
                try await APIClient.signIn(server, "director").get("/api/v1/reports/receivables?as_of=2025-12-31"))
            #expect(managerRows.count < directorRows.count, "the manager sees fewer debts than the director")

            // The CSV: served to the director (the report's columns), refused to the manager.
            let csv = try await director.get("/reports/debts/csv?as_of=2025-12-31")
            #expect(csv.status == 200 && csv.headers["content-disposition"] == "attachment; filename=\"debts.csv\"")
            #expect(csv.body.contains(texts[.colOutstanding]) && csv.body.contains(texts[.colOverdueOver90]))
            #expect(try await manager.get("/reports/debts/csv?as_of=2025-12-31").status == 403)
            #expect(try await manager.get("/reports/abc-xyz/csv").status == 403)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("the profile changes the own password only with the current one")
    func passwordChange() async throws {
        let server = try await RunningServer.start(demo: true)
        do {
            let browser = try await Browser.signIn(server, "junior.msk")
            let form = ["Content-Type": "application/x-www-form-urlencoded"]
            let wrong = try await browser.request(
                "POST", "/profile/password", body: "_csrf=\(browser.csrf)&current=nope&new=brand-new-pass-1&repeat=brand-new-pass-1",
                headers: form)
            #expect(wrong.status == 200 && wrong.body.contains("Текущий пароль указан неверно"))
            let short = try await browser.request(
                "POST", "/profile/password", body: "_csrf=\(browser.csrf)&current=\(RunningServer.demoPassword)&new=short&repeat=short",
                headers: form)
            #expect(short.body.contains("не короче 10 символов"))
            let changed = try await browser.request(
                "POST", "/profile/password",
                body: "_csrf=\(browser.csrf)&current=\(RunningServer.demoPassword)&new=brand-new-pass-1&repeat=brand-new-pass-1",
                headers: form)
            #expect(changed.body.contains("Пароль изменён"))
            let login = try await server.post(
                "/api/v1/auth/login", body: #"{"login": "junior.msk", "password": "brand-new-pass-1"}"#)
            #expect(login.status == 200)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("every text has a Russian and an English entry")
    func catalogues() {
        for language in Language.allCases {
            let catalogue = Texts.catalogue(language)
            let missing = TextKey.allCases.filter { catalogue[$0] == nil }
            #expect(missing.isEmpty, "\(language): \(missing)")
        }
        #expect(Language(locale: "en-GB") == .en && Language(locale: "ru-RU") == .ru && Language(locale: nil) == .ru)
        #expect(Formatting(language: .ru).money("1234567.5", currency: "RUB") == "1\u{00A0}234\u{00A0}567,50\u{00A0}₽")
        #expect(Formatting(language: .en).money("1234567.05") == "1,234,567.05")
    }
}

/// JSON string literals for request bodies in these tests.
enum JSONValueText {
    static func quote(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }
}

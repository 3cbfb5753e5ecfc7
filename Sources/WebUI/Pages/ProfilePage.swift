import AccessControl
import HTTPAPI
import Hummingbird

/// `/profile`: the user's own time zone and language (`crm_api.set_my_preferences`), and a
/// password change that needs the current password.
struct ProfilePage: Sendable {
    let runner: PageRunner
    let authenticator: Authenticator

    /// The time zones offered (Russia's eleven, and a few neighbours).
    static let zones = [
        "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk",
        "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka",
        "Europe/Minsk", "Asia/Almaty", "UTC",
    ]

    func register(on router: some RouterMethods<CRMRequestContext>) {
        runner.get(router, "/profile") { page in
            .page(
                title: page.texts[.profileTitle], section: .profile,
                body: Self.render(page, notice: page.parameter("saved").map { _ in page.texts[.saved] }, problem: nil))
        }
        runner.post(router, "/profile") { page, form in
            let zone = form["time_zone"]
            let language = form["language"].flatMap(Language.init(rawValue:))
            _ = try await page.connection.query("select crm_api.set_my_preferences(\(zone), \(language?.locale))")
            return .redirect("/profile?saved=1")
        }
        runner.post(router, "/profile/password") { [authenticator] page, form in
            let current = form["current"] ?? "", new = form["new"] ?? "", repeated = form["repeat"] ?? ""
            let t = page.texts
            var problem: String?
            if new.count < 10 { problem = t[.passwordTooShort] }
            if new != repeated { problem = t[.passwordMismatch] }
            if problem == nil {
                do {
                    try await authenticator.changeOwnPassword(
                        login: page.user.login, current: current, new: new, userID: page.user.id, clientIP: page.clientIP,
                        on: page.connection)
                } catch AccessError.invalidCredentials {
                    problem = t[.passwordWrongCurrent]
                }
            }
            return .page(
                title: t[.profileTitle], section: .profile,
                body: Self.render(page, notice: problem == nil ? t[.passwordChanged] : nil, problem: problem))
        }
    }

    static func render(_ page: PageContext, notice: String?, problem: String?) -> HTML {
        let t = page.texts
        var zones = zones
        if !zones.contains(page.user.timeZone) { zones.insert(page.user.timeZone, at: 0) }
        let zoneOptions = zones.map { zone -> HTML in
            "<option value=\"\(zone)\"\(HTML.when(zone == page.user.timeZone, " selected"))>\(zone)</option>"
        }
        let current = Language(locale: page.user.locale)
        let languageOptions = Language.allCases.map { language -> HTML in
            "<option value=\"\(language.rawValue)\"\(HTML.when(language == current, " selected"))>\(language == .ru ? "Русский" : "English")</option>"
        }
        return """
            <h1>\(t[.profileTitle])</h1>
            \(HTML.when(notice != nil, "<p class=\"notice\" id=\"profile-notice\">\(notice ?? "")</p>"))
            \(HTML.when(problem != nil, "<p class=\"alert\" id=\"profile-problem\">\(problem ?? "")</p>"))
            <div class="grid two">
              <form method="post" action="/profile" class="card form">
                <h2>\(t[.profileSettings])</h2>
                <p class="muted">\(page.user.name) · \(page.user.login)</p>
                <input type="hidden" name="_csrf" value="\(page.csrf)">
                <label>\(t[.timeZone])<select name="time_zone">\(zoneOptions)</select></label>
                <label>\(t[.language])<select name="language">\(languageOptions)</select></label>
                <button type="submit" class="primary">\(t[.save])</button>
              </form>
              <form method="post" action="/profile/password" class="card form" id="password-form">
                <h2>\(t[.passwordChange])</h2>
                <input type="hidden" name="_csrf" value="\(page.csrf)">
                <input type="hidden" name="username" value="\(page.user.login)" autocomplete="username">
                <label>\(t[.passwordCurrent])<input type="password" name="current" autocomplete="current-password" required></label>
                <label>\(t[.passwordNew])<input type="password" name="new" autocomplete="new-password" minlength="10" required></label>
                <label>\(t[.passwordRepeat])<input type="password" name="repeat" autocomplete="new-password" minlength="10" required></label>
                <button type="submit" class="primary">\(t[.passwordChangeButton])</button>
              </form>
            </div>
            """
    }
}

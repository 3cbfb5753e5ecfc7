import Credentials
import Foundation
import TestSupport
import Testing

/// Two-factor sign-in (TOTP) over HTTP and the console, on real sockets with the demo company:
/// enrolment, confirmation, sign-in asking for the code, a code used once, recovery codes once,
/// wrong codes counted towards the lockout, turning it off, and a role that requires it.
@Suite("Two-factor sign-in", .serialized, .stopsItsServers)
struct TwoFactorTests {
    /// Logs in with an optional one-time code; the raw answer.
    static func login(_ server: RunningServer, _ login: String, code: String?) async throws -> APIResponse {
        var body: [String: Any] = ["login": login, "password": RunningServer.demoPassword]
        if let code { body["totp_code"] = code }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        return APIResponse(try await server.request("POST", "/api/v1/auth/login", body: text))
    }

    /// A code the server accepts next: of the current step, or the one after when the current
    /// step was used already (the server accepts one step either side).
    static func nextCode(_ totp: TOTP, after used: Int64) -> String {
        let now = totp.step(at: Date())
        return totp.code(step: now > used ? now : used + 1)
    }

    /// A six-digit code that matches none of the steps around now.
    static func wrongCode(_ totp: TOTP) -> String {
        let now = totp.step(at: Date())
        let near = Set((now - 2...now + 2).map { totp.code(step: $0) })
        var candidate = 0
        while near.contains(String(format: "%06d", candidate)) { candidate += 1 }
        return String(format: "%06d", candidate)
    }

    /// Enrols `login` over HTTP (start, confirm); returns its TOTP, the step used to confirm and
    /// the recovery codes.
    static func enrol(_ server: RunningServer, _ api: APIClient) async throws -> (TOTP, Int64, [String]) {
        let started = try await api.post("/api/v1/me/totp", "{}")
        try #require(started.status == 201, "start: \(started.status) \(started.text)")
        let secret = try #require(started.string("secret").flatMap(Base32.decode))
        let totp = TOTP(secret: secret)
        let code = totp.code(at: Date())
        let confirmed = try await api.post("/api/v1/me/totp/confirm", #"{"code":"\#(code)"}"#)
        try #require(confirmed.status == 200, "confirm: \(confirmed.status) \(confirmed.text)")
        let codes = confirmed["recovery_codes"] as? [String] ?? []
        let step = try #require(totp.matchingStep(of: code, at: Date(), window: 2))
        return (totp, step, codes)
    }

    @Test func enrolmentThenSignInAsksForTheCodeAndEachCodeWorksOnce() async throws {
        let server = try await RunningServer.start(demo: true)
        let director = try await APIClient.signIn(server, "director")

        let before = try await director.get("/api/v1/me/totp")
        #expect(before.status == 200)
        #expect(before["enabled"] as? Bool == false)
        #expect(before["required_by_role"] as? Bool == true, "the demo's director role requires two factors")
        #expect(before.string("enforcement") == "enrolled")

        // Start: the secret in base32 and the otpauth URI with it.
        let started = try await director.post("/api/v1/me/totp", "{}")
        #expect(started.status == 201, "\(started.text)")
        let secretText = try #require(started.string("secret"))
        let uri = try #require(started.string("otpauth_uri"))
        #expect(uri.hasPrefix("otpauth://totp/CRM:director?secret=\(secretText)&issuer=CRM"))
        let totp = TOTP(secret: try #require(Base32.decode(secretText)))
        #expect(totp.secret.count == 20)
        // Not on until confirmed: the password alone still signs in.
        #expect(try await Self.login(server, "director", code: nil).status == 200)

        // A wrong code does not confirm; a missing one is a 422.
        let wrong = try await director.post("/api/v1/me/totp/confirm", #"{"code":"\#(Self.wrongCode(totp))"}"#)
        #expect(wrong.status == 401 && wrong.error["reason"] as? String == "totp_invalid", "\(wrong.text)")
        #expect(try await director.post("/api/v1/me/totp/confirm", "{}").status == 422)

        let code = totp.code(at: Date())
        let confirmed = try await director.post("/api/v1/me/totp/confirm", #"{"code":"\#(code)"}"#)
        #expect(confirmed.status == 200, "\(confirmed.text)")
        let recovery = confirmed["recovery_codes"] as? [String] ?? []
        #expect(recovery.count == 10 && Set(recovery).count == 10)
        #expect(recovery.allSatisfy { $0.count == 11 && $0.dropFirst(5).first == "-" })
        let usedStep = try #require(totp.matchingStep(of: code, at: Date(), window: 2))
        let status = try await director.get("/api/v1/me/totp")
        #expect(status["enabled"] as? Bool == true && status.int("recovery_codes_left") == 10)
        // Starting again while it is on is refused.
        let again = try await director.post("/api/v1/me/totp", "{}")
        #expect(again.status == 409 && again.error["reason"] as? String == "totp_already_on", "\(again.text)")

        // Stored: the secret in crm_private, the recovery codes only as hashes.
        let stored = try await server.ownerQuery(
            "select t.secret, t.confirmed_at is not null, (select count(*) from crm_private.totp_recovery_codes r where r.user_id = t.user_id) from crm_private.totp_secrets t join crm.users u on u.id = t.user_id where u.login = 'director'"
        )
        let (storedSecret, isConfirmed, hashes) = try stored[0].decode(([UInt8], Bool, Int64).self)
        #expect(storedSecret == totp.secret && isConfirmed && hashes == 10)
        let codesArray = "'{" + recovery.joined(separator: ",") + "}'::text[]"
        let hashed = try await server.ownerQuery(
            "select count(*) from crm_private.totp_recovery_codes where code_hash in (select sha256(convert_to(replace(c, '-', ''), 'UTF8')) from unnest(\(codesArray)) c)"
        )
        #expect(try hashed[0].decode(Int64.self, at: 0) == 10, "stored as SHA-256 of the normalised codes, never as they are")

        // Sign-in: the password alone is not enough.
        let missing = try await Self.login(server, "director", code: nil)
        #expect(missing.status == 401 && missing.error["reason"] as? String == "totp_required", "\(missing.text)")
        // The code that confirmed was used: refused again (a code is good once).
        let replayed = try await Self.login(server, "director", code: totp.code(step: usedStep))
        #expect(replayed.status == 401 && replayed.error["reason"] as? String == "totp_invalid", "\(replayed.text)")
        let wrongLogin = try await Self.login(server, "director", code: Self.wrongCode(totp))
        #expect(wrongLogin.status == 401 && wrongLogin.error["reason"] as? String == "totp_invalid")
        // A fresh code signs in.
        let good = try await Self.login(server, "director", code: Self.nextCode(totp, after: usedStep))
        #expect(good.status == 200 && good.string("token") != nil, "\(good.text)")

        // A recovery code signs in once (typed in upper case and without the hyphen, too).
        let typed = recovery[3].uppercased().replacingOccurrences(of: "-", with: "")
        #expect(try await Self.login(server, "director", code: typed).status == 200)
        let spent = try await Self.login(server, "director", code: recovery[3])
        #expect(spent.status == 401 && spent.error["reason"] as? String == "totp_invalid")
        #expect(try await director.get("/api/v1/me/totp").int("recovery_codes_left") == 9)

        // Wrong codes are failed logins, counted towards the lockout.
        let failures = try await server.ownerQuery(
            "select count(*) from crm_private.login_attempts where login_key = 'director' and not success and reason = 'totp_invalid'")
        #expect(try failures[0].decode(Int64.self, at: 0) == 3)

        // Off: a wrong code is refused, a right one (here a recovery code) turns it off.
        let notOff = try await director.post("/api/v1/me/totp/disable", #"{"code":"\#(Self.wrongCode(totp))"}"#)
        #expect(notOff.status == 401)
        #expect(try await director.post("/api/v1/me/totp/disable", #"{"code":"\#(recovery[0])"}"#).status == 204)
        #expect(try await Self.login(server, "director", code: nil).status == 200)
        let left = try await server.ownerQuery(
            "select (select count(*) from crm_private.totp_secrets) + (select count(*) from crm_private.totp_recovery_codes)")
        #expect(try left[0].decode(Int64.self, at: 0) == 0)
        let audited = try await server.ownerQuery(
            "select string_agg(details->>'two_factor', ',' order by id) from audit.log where action = 'permission_change' and details ? 'two_factor'"
        )
        #expect(try audited[0].decode(String?.self, at: 0) == "enabled,disabled")
    }

    @Test func aRoleThatRequiresTwoFactorsRefusesTheNotEnrolledWhenEnforcedAlways() async throws {
        let server = try await RunningServer.start(demo: true)
        // 'enrolled' (the default): the director without TOTP signs in with the password.
        #expect(try await Self.login(server, "director", code: nil).status == 200)
        _ = try await server.ownerQuery("update crm_private.config set two_factor_enforcement = 'always'")
        let refused = try await Self.login(server, "director", code: nil)
        #expect(refused.status == 403 && refused.error["reason"] as? String == "two_factor_not_enrolled", "\(refused.text)")
        // A role without the requirement is not affected.
        #expect(try await Self.login(server, "manager.msk", code: nil).status == 200)
        _ = try await server.ownerQuery("update crm.roles set requires_two_factor = true where name = 'manager'")
        #expect(try await Self.login(server, "manager.msk", code: nil).status == 403)
    }

    @Test func theConsoleAsksForTheCodeToo() async throws {
        let server = try await RunningServer.start(demo: true)
        let admin = try await APIClient.signIn(server, "admin")
        let (totp, step, _) = try await Self.enrol(server, admin)
        let console = try AdminConsoleClient(server)
        let missing = try await console.send("AUTH admin \(RunningServer.demoPassword)")
        #expect(missing.code == "TOTP_REQUIRED", "\(missing)")
        let wrong = try await console.send("AUTH admin \(RunningServer.demoPassword) \(Self.wrongCode(totp))")
        #expect(wrong.code == "TOTP_INVALID", "\(wrong)")
        let good = try await console.send("AUTH admin \(RunningServer.demoPassword) \(Self.nextCode(totp, after: step))")
        #expect(good.first == "+OK signed in as admin", "\(good)")
        // An administrator turns a user's two-factor sign-in off (a lost phone).
        let director = try await APIClient.signIn(server, "director")
        _ = try await Self.enrol(server, director)
        #expect(try await Self.login(server, "director", code: nil).error["reason"] as? String == "totp_required")
        let reset = try await console.send("USER TOTPRESET director")
        #expect(reset.first == "+OK two-factor sign-in of director turned off", "\(reset)")
        #expect(try await Self.login(server, "director", code: nil).status == 200)
        #expect(try await console.send("USER TOTPRESET director").first == "+OK director had no two-factor sign-in")
        #expect(try await console.send("AUTH admin a b c d").code == "SYNTAX")
    }

    @Test func theWebSignInPageAsksForTheCode() async throws {
        let server = try await RunningServer.start(demo: true)
        let director = try await APIClient.signIn(server, "director")
        let (totp, step, _) = try await Self.enrol(server, director)
        let form = try await server.get("/login")
        #expect(form.body.contains("name=\"totp_code\""))
        let csrf = try #require(WebUITests.cookie("crm_login_csrf", in: form.headers["set-cookie"]))
        func post(_ code: String?) async throws -> HTTPTestResponse {
            var body = "_csrf=\(csrf)&login=director&password=\(RunningServer.demoPassword)"
            if let code { body += "&totp_code=\(code)" }
            return try await server.post(
                "/login", body: body,
                headers: ["Cookie": "crm_login_csrf=\(csrf)", "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "ru"])
        }
        let missing = try await post(nil)
        #expect(missing.status == 401 && missing.body.contains("двухфакторный вход"), "\(missing.status)")
        let wrong = try await post(Self.wrongCode(totp))
        #expect(wrong.status == 401 && wrong.body.contains("Неверный или уже использованный одноразовый код"))
        let good = try await post(Self.nextCode(totp, after: step))
        #expect(good.status == 303 && WebUITests.cookie("crm_session", in: good.headers["set-cookie"]) != nil, "\(good.status)")
        let history = try await director.get("/api/v1/me/logins")
        let logins = history.items
        #expect(logins.first?["client"] as? String == "web", "\(history.status) \(history.text)")
        #expect(logins.first?["client"] as? String == "web" && logins.first?["success"] as? Bool == true)
        #expect(logins.contains { $0["reason"] as? String == "totp_required" && $0["client"] as? String == "web" })
    }
}

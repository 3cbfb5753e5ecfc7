/// The security endpoints of the signed-in user: two-factor sign-in (`AuthController+TwoFactor`)
/// and the login history (`AuthController+LoginHistory`).
enum SecurityEndpoints {
    typealias F = FixedEndpoints

    static var operations: [OpenAPIOperation] {
        [totpStatus, totpStart, totpConfirm, totpDisable, logins(of: "me"), logins(of: "user")]
    }

    static var schemas: [String: JSONValue] {
        [
            "TotpStatus": totpStatus_, "TotpEnrolment": totpEnrolment, "TotpCode": totpCode, "TotpRecoveryCodes": recoveryCodes,
            "LoginAttempt": loginAttempt,
        ]
    }

    static let totpStatus_ = F.object([
        ("enabled", F.boolean), ("pending", F.boolean), ("required_by_role", F.boolean),
        ("enforcement", F.enumeration(["enrolled", "always"])), ("recovery_codes_left", F.integer),
    ])

    static let totpEnrolment = F.object([
        ("secret", .obj(["type": .string("string"), "description": .string("base32, for typing into the app")])),
        ("otpauth_uri", .obj(["type": .string("string"), "description": .string("otpauth://totp/… for a QR code")])),
        ("algorithm", F.enumeration(["SHA1"])), ("digits", F.integer), ("period", F.integer),
    ])

    static let totpCode: JSONValue = .obj([
        "type": .string("object"),
        "properties": .obj([
            "code": .obj([
                "type": .strings(["string", "null"]), "maxLength": .integer(64),
                "description": .string("six digits from the authenticator app, or a recovery code"),
            ])
        ]),
        "examples": .array([.obj(["code": .string("123456")])]),
    ])

    static let recoveryCodes = F.object([("enabled", F.boolean), ("recovery_codes", F.array(F.string))])

    static var totpStatus: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/me/totp", id: "totpStatus",
            summary: "Two-factor sign-in of the signed-in user: on, started, required",
            tag: "auth", responses: [200: OpenAPIOperation.json("The state", .ref("TotpStatus"))], errors: [503])
    }

    static var totpStart: OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/me/totp", id: "totpStart",
            summary: "Start two-factor sign-in: a new secret for the authenticator app (confirm it with a code)", tag: "auth",
            responses: [201: OpenAPIOperation.json("Started", .ref("TotpEnrolment"))], errors: [409, 503])
    }

    static var totpConfirm: OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/me/totp/confirm", id: "totpConfirm",
            summary: "Turn two-factor sign-in on with a code from the app: ten recovery codes, shown once", tag: "auth",
            requestBody: OpenAPIOperation.body(.ref("TotpCode")),
            responses: [200: OpenAPIOperation.json("On", .ref("TotpRecoveryCodes"))], errors: [400, 409, 413, 422, 503])
    }

    static var totpDisable: OpenAPIOperation {
        OpenAPIOperation(
            method: "post", path: "/api/v1/me/totp/disable", id: "totpDisable",
            summary: "Turn two-factor sign-in off with a code (or a recovery code); drops a started enrolment", tag: "auth",
            requestBody: OpenAPIOperation.body(.ref("TotpCode")),
            responses: [204: OpenAPIOperation.empty("Off")], errors: [400, 413, 422, 503])
    }

    static let loginAttempt = F.object([
        ("id", F.integer), ("at", F.time()), ("ip", F.string),
        (
            "client",
            .obj([
                "type": .strings(["string", "null"]),
                "enum": .array([.string("api"), .string("web"), .string("console"), .string("console_local"), .null]),
            ])
        ),
        ("user_agent", F.type("string", nullable: true)), ("success", F.boolean),
        (
            "reason",
            .obj([
                "type": .strings(["string", "null"]),
                "description": .string("why it was refused: bad_password, totp_invalid, totp_required, network_refused, …"),
            ])
        ),
    ])

    static func logins(of whom: String) -> OpenAPIOperation {
        let id = JSONValue.obj(["type": .string("integer")])
        let paging = [
            OpenAPIOperation.query("before_id", id, "the next page: attempts older than this id"),
            OpenAPIOperation.query(
                "limit", .obj(["type": .string("integer"), "minimum": .integer(1), "maximum": .integer(1000), "default": .integer(50)])),
        ]
        let page = F.object([("items", F.array(.ref("LoginAttempt")))])
        if whom == "me" {
            return OpenAPIOperation(
                method: "get", path: "/api/v1/me/logins", id: "myLogins",
                summary: "My sign-in attempts, newest first: when, from where, which client, success or why not",
                tag: "auth", parameters: paging, responses: [200: OpenAPIOperation.json("The attempts", page)], errors: [422, 503])
        }
        return OpenAPIOperation(
            method: "get", path: "/api/v1/users/{id}/logins", id: "userLogins",
            summary: "A user's sign-in attempts, newest first (the user themself and administrators)", tag: "auth",
            parameters: [.ref("Id", in: "parameters")] + paging,
            responses: [200: OpenAPIOperation.json("The attempts", page)], errors: [403, 404, 422, 503])
    }
}

import Hummingbird

/// Reading the `Cookie` header and writing `Set-Cookie` values.
enum Cookies {
    /// The value of cookie `name` in the request, if any.
    static func value(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                if parts[0].trimmingCharacters(in: .whitespaces) == name {
                    let value = parts[1].trimmingCharacters(in: .whitespaces)
                    return value.isEmpty ? nil : value
                }
            }
        }
        return nil
    }

    /// A `Set-Cookie` value: always `Path=/`, `HttpOnly` unless said otherwise, `SameSite`,
    /// `Secure` when served over TLS; `maxAge` 0 deletes the cookie.
    static func make(
        _ name: String, _ value: String, sameSite: String = "Lax", secure: Bool, httpOnly: Bool = true, maxAge: Int? = nil
    ) -> String {
        var cookie = "\(name)=\(value); Path=/; SameSite=\(sameSite)"
        if httpOnly { cookie += "; HttpOnly" }
        if secure { cookie += "; Secure" }
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        return cookie
    }
}

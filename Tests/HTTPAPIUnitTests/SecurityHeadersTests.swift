import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HTTPAPI

/// The headers `SecurityHeadersMiddleware` puts on every answer, and CORS only for the
/// configured origins (HummingbirdTesting's `.router`, no socket).
@Suite("Security headers")
struct SecurityHeadersTests {
    static func router(corsOrigins: [String]) -> Router<CRMRequestContext> {
        let router = Router(context: CRMRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: SecurityHeadersMiddleware(corsOrigins: corsOrigins))
        router.add(middleware: ErrorMiddleware())
        router.get("/json") { _, _ in JSONResponse.raw("{}") }
        router.get("/html") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "<p>x</p>")))
        }
        router.get("/page") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'"
            headers[.referrerPolicy] = "same-origin"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "<p>x</p>")))
        }
        router.post("/json") { _, _ in JSONResponse.raw("{}") }
        return router
    }

    @Test func everyAnswerHasNosniffAReferrerPolicyAndHTMLACSP() async throws {
        try await Application(router: Self.router(corsOrigins: [])).test(.router) { client in
            for uri in ["/json", "/html", "/missing"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(uri)")
                    #expect(response.headers[.referrerPolicy] == "no-referrer", "\(uri)")
                }
            }
            try await client.execute(uri: "/html", method: .get) { response in
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                #expect(
                    policy.hasPrefix("default-src 'none'") && policy.contains("frame-ancestors 'none'") && !policy.contains("script-src"))
            }
            try await client.execute(uri: "/json", method: .get) { response in
                #expect(response.headers[.contentSecurityPolicy] == nil)
            }
            // A page that sets its own keeps it.
            try await client.execute(uri: "/page", method: .get) { response in
                #expect(response.headers[.contentSecurityPolicy] == "default-src 'none'; script-src 'self'")
                #expect(response.headers[.referrerPolicy] == "same-origin")
            }
            // No origin configured: no CORS header for anybody.
            try await client.execute(uri: "/json", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func corsOnlyForTheConfiguredOrigins() async throws {
        let allowed = "https://crm.example.ru"
        try await Application(router: Self.router(corsOrigins: [allowed])).test(.router) { client in
            try await client.execute(uri: "/json", method: .get, headers: [.origin: allowed]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == allowed)
                #expect(response.headers[.accessControlAllowCredentials] == nil, "bearer tokens only, never the cookie")
                #expect(response.headers[values: .vary].contains("Origin"))
            }
            try await client.execute(uri: "/json", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.status == .ok && response.headers[.accessControlAllowOrigin] == nil)
            }
            try await client.execute(
                uri: "/json", method: .options, headers: [.origin: allowed, .accessControlRequestMethod: "POST"]
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == allowed)
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
                #expect(response.headers[.accessControlAllowMethods]?.contains("PATCH") == true)
            }
            // Another origin's preflight gets no permission.
            try await client.execute(
                uri: "/json", method: .options, headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"]
            ) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
                #expect(response.headers[.accessControlAllowMethods] == nil)
            }
        }
    }
}

import AccessControl
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import PostgresClient
import Testing

@testable import HTTPAPI

/// The served router (`APIRouter.build`) and the authentication middleware through
/// HummingbirdTesting's `.router` (no socket), with a pool that never connects: every answer
/// here is given before the database is asked.
@Suite("Router without a database")
struct RouterTests {
    struct Healthy: HealthChecking {
        func checkDatabase() async -> HealthReport.Database { .init(reachable: true, schemaVersion: 1) }
    }

    /// Runs `test` against the served routes. The pool points at a socket folder that does not
    /// exist, so any database work would fail (as a 503), never hang.
    static func withAPI(_ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let pool = PostgresPool(
            configuration: .init(conninfo: "host=/nonexistent/crm-unit-tests dbname=none", size: 1, acquireTimeout: .milliseconds(500)),
            logger: Logger(label: "crm.unit-tests"))
        let hashing = NIOThreadPool(numberOfThreads: 1)
        hashing.start()
        let database = UserDatabase(pool: pool)
        let router = APIRouter.build(
            health: HealthController(checker: Healthy(), version: "0.0.0-test"),
            auth: AuthController(
                authenticator: Authenticator(pool: pool, hashingThreads: hashing, logger: Logger(label: "crm.unit-tests"))),
            database: database, clientAddresses: ClientAddressResolver(trustedProxies: []))
        do {
            try await Application(router: router).test(.router, test)
        } catch {
            try await hashing.shutdownGracefully()
            try await pool.threadPool.shutdownGracefully()
            throw error
        }
        try await hashing.shutdownGracefully()
        try await pool.threadPool.shutdownGracefully()
    }

    /// The error of a JSON error body (`code` "not an error body" when it is not one).
    static func error(_ response: TestResponse) -> ErrorBody.Detail {
        let body = try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body.readableBytesView))
        return body?.error ?? .init(status: 0, code: "not an error body: \(String(buffer: response.body))", message: "", requestID: "")
    }

    @Test("every signed-in route answers 401 missing_token without a credential, before the body or the database")
    func signInRequired() async throws {
        try await Self.withAPI { client in
            let routes: [(HTTPRequest.Method, String)] = [
                (.get, "/api/v1/me"), (.post, "/api/v1/auth/logout"), (.get, "/api/v1/tokens"), (.delete, "/api/v1/tokens/1"),
                (.get, "/api/v1/audit"), (.get, "/api/v1/deals"), (.get, "/api/v1/deals/1"), (.post, "/api/v1/deals"),
                (.patch, "/api/v1/deals/1"), (.delete, "/api/v1/deals/1"), (.get, "/api/v1/deals/export"),
                (.get, "/api/v1/clients/1/card"), (.get, "/api/v1/reports"), (.get, "/api/v1/reports/funnel"),
                (.post, "/api/v1/files"), (.get, "/api/v1/files/1/content"), (.post, "/api/v1/deals/1/documents"),
                (.get, "/api/v1/events"), (.post, "/api/v1/notifications/read-all"), (.post, "/api/v1/integrations"),
                (.get, "/api/v1/pipelines"), (.get, "/api/v1/currencies"), (.post, "/api/v1/approvals/1/answer"),
                (.put, "/api/v1/company-profile/logo"),
            ]
            for (method, path) in routes {
                try await client.execute(uri: path, method: method, headers: [.acceptLanguage: "en"], body: ByteBuffer(string: "{")) {
                    response in
                    #expect(response.status == .unauthorized, "\(method) \(path)")
                    let error = Self.error(response)
                    #expect(error.message == "not signed in: no bearer token was sent", "\(method) \(path): \(error.message)")
                    #expect(error.reason == "missing_token", "\(method) \(path)")
                    #expect(response.headers[HTTPField.Name.xRequestID] == error.requestID)
                }
            }
            // `Authorization` that is not a bearer token is no credential either.
            try await client.execute(uri: "/api/v1/deals", method: .get, headers: [.authorization: "Basic YTpi", .acceptLanguage: "ru"]) {
                response in
                #expect(response.status == .unauthorized)
                #expect(Self.error(response).message.hasPrefix("вход не выполнен: токен не передан"), "\(Self.error(response).message)")
            }
        }
    }

    @Test("the public routes need no credential: health, the OpenAPI document, the sign-in's own checks")
    func publicRoutes() async throws {
        try await Self.withAPI { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"version\":\"0.0.0-test\""))
            }
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"openapi\""))
            }
            try await client.execute(
                uri: "/api/v1/auth/login", method: .post, headers: [.acceptLanguage: "en"], body: ByteBuffer(string: "{}")
            ) {
                response in
                #expect(response.status == .unprocessableContent)
                #expect(Self.error(response).fields?.map(\.field) == ["login", "password"])
            }
        }
    }

    @Test("with a credential, a handler's own checks answer before its transaction: bad JSON, bad ids, bad parameters")
    func checksBeforeTheTransaction() async throws {
        try await Self.withAPI { client in
            let headers: HTTPFields = [.authorization: "Bearer crm_s_unit", .acceptLanguage: "en"]
            try await client.execute(uri: "/api/v1/deals", method: .post, headers: headers, body: ByteBuffer(string: "{\"title\": ")) {
                response in
                #expect(response.status == .badRequest)
                #expect(Self.error(response).message.hasPrefix("the request body is"), "\(String(buffer: response.body))")
            }
            try await client.execute(uri: "/api/v1/deals/abc", method: .get, headers: headers) { response in
                #expect(response.status == .notFound)
                #expect(Self.error(response).message == "no such deal")
            }
            try await client.execute(uri: "/api/v1/deals?saved_filter=x", method: .get, headers: headers) { response in
                #expect(response.status == .unprocessableContent)
                #expect(Self.error(response).fields?.map(\.field) == ["saved_filter"])
            }
            try await client.execute(uri: "/api/v1/audit?limit=0", method: .get, headers: headers) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/nothing-here", method: .get, headers: headers) { response in
                #expect(response.status == .notFound)
                #expect(Self.error(response).code == "not_found")
            }
        }
    }

    @Test("with a credential the database is asked, and its absence is a 503, not a hang or a 500")
    func databaseUnavailable() async throws {
        try await Self.withAPI { client in
            try await client.execute(
                uri: "/api/v1/pipelines", method: .get, headers: [.authorization: "Bearer crm_s_unit", .acceptLanguage: "en"]
            ) { response in
                #expect(response.status == .serviceUnavailable, "\(String(buffer: response.body))")
                #expect(Self.error(response).code == "database_unavailable")
            }
        }
    }

    @Test("AuthenticationMiddleware puts the credential, client IP and request id on the context; passOn leaves it unset")
    func scopeOnTheContext() async throws {
        let pool = PostgresPool(configuration: .init(conninfo: "host=/nonexistent/crm-unit-tests"), logger: Logger(label: "crm.unit-tests"))
        let database = UserDatabase(pool: pool)
        let router = Router(context: CRMRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.get("/outside") { _, context in try context.scope.token }
        router.group("/signed-in").add(middleware: AuthenticationMiddleware(database: database))
            .get { _, context in
                let scope = try context.scope
                return "\(scope.token) \(scope.clientIP) \(scope.requestID == context.requestID && !scope.requestID.isEmpty)"
            }
        router.group("/page").add(
            middleware: AuthenticationMiddleware(database: database, credential: { $0.headers[.cookie] }, whenMissing: .passOn)
        ).get { _, context in context.authenticated?.token ?? "no session" }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/signed-in", method: .get, headers: [.authorization: "Bearer abc"]) { response in
                #expect(String(buffer: response.body) == "abc 127.0.0.1 true")
            }
            try await client.execute(uri: "/signed-in", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/page", method: .get) { response in
                #expect(String(buffer: response.body) == "no session")
            }
            try await client.execute(uri: "/page", method: .get, headers: [.cookie: "s"]) { response in
                #expect(String(buffer: response.body) == "s")
            }
            try await client.execute(uri: "/outside", method: .get, headers: [.authorization: "Bearer abc"]) { response in
                #expect(response.status == .internalServerError, "a route outside the group has no scope: a wiring bug")
                #expect(Self.error(response).code == "internal_error")
            }
        }
        try await pool.threadPool.shutdownGracefully()
    }

    @Test("the error format and its language: Accept-Language first, else Russian; a 500 says nothing of the cause")
    func errorFormat() async throws {
        let router = Router(context: CRMRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.get("/busy") { _, _ -> String in throw PostgresError(kind: .busy, message: "pool") }
        router.get("/secret") { _, _ -> String in throw PostgresError(kind: .other, message: "relation crm.secret_table", sqlState: "XX000")
        }
        router.get("/fields") { _, _ -> String in throw APIError.validation([.init(field: "title", message: "required")]) }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/busy", method: .get, headers: [HTTPField.Name.xRequestID: "req-1"]) { response in
                #expect(response.status == .serviceUnavailable && response.headers[.retryAfter] == "1")
                let error = Self.error(response)
                #expect(error.code == "database_busy" && error.requestID == "req-1")
            }
            try await client.execute(uri: "/secret", method: .get, headers: [.acceptLanguage: "en"]) { response in
                #expect(response.status == .internalServerError)
                #expect(!String(buffer: response.body).contains("secret_table"))
                #expect(Self.error(response).message == "internal error; quote the request id when reporting it")
            }
            try await client.execute(uri: "/fields", method: .get) { response in
                let error = Self.error(response)
                #expect(
                    error.status == 422 && error.fields?.first?.label == "Название" && error.fields?.first?.code == "required", "\(error)")
            }
        }
    }
}

import Hummingbird

/// `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of this server (no sign-in needed).
struct OpenAPIController: Sendable {
    let document: String

    func register(on router: Router<CRMRequestContext>) {
        router.get("/api/v1/openapi.json") { _, _ in JSONResponse.raw(document) }
    }
}

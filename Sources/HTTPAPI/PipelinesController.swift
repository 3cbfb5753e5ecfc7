import AccessControl
import Hummingbird

/// `GET /api/v1/pipelines`: every pipeline with its stages in order and its custom fields.
struct PipelinesController: Sendable {
    let database: UserDatabase

    func register(on router: Router<CRMRequestContext>) {
        router.get("/api/v1/pipelines") { request, context in
            let json = try await database.withRequest(token: RequestInput.token(request, context), clientIP: context.clientIP) {
                connection, _ in
                try await connection.query("select crm_api.pipelines()::text", prepared: true)[0][0] ?? "[]"
            }
            return JSONResponse.raw("{\"items\":\(json)}")
        }
    }
}

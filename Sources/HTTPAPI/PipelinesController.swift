import AccessControl
import Hummingbird

/// `GET /api/v1/pipelines`: every pipeline with its stages in order and its custom fields.
struct PipelinesController: Sendable {

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.get("/api/v1/pipelines") { request, context in
            let json = try await context.scope.transaction {
                connection, _ in
                try await connection.query("select crm_api.pipelines()::text", prepared: true)[0][0] ?? "[]"
            }
            return JSONResponse.raw("{\"items\":\(json)}")
        }
    }
}

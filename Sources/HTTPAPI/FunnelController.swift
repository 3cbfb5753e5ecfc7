import AccessControl
import Hummingbird

/// `GET /api/v1/reports/funnel?pipeline_id=N`: deals and sums per stage over the deals the
/// caller may see (the `reports.sales_funnel` view, security_invoker). Default pipeline when
/// none is named.
struct FunnelController: Sendable {

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.get("/api/v1/reports/funnel") { request, context in
            var parameters = QueryParameters(request)
            let pipeline = parameters.int64("pipeline_id")
            try parameters.validate()
            let json = try await context.scope.transaction { connection, _ in
                try await connection.query(
                    """
                    select crm_api.sales_funnel(coalesce(\(pipeline), (select id from crm.pipelines where is_default)))::text
                    """, prepared: true)[0][0] ?? "[]"
            }
            return JSONResponse.raw("{\"stages\":\(json)}")
        }
    }
}

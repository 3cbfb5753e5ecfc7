import AccessControl
import Hummingbird

/// `GET /api/v1/currencies`: the currencies a deal, an invoice or a product may be in (ISO 4217
/// codes with their names and minor units; administrators add them in SQL or later pages).
struct CurrenciesController: Sendable {

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.get("/api/v1/currencies") { request, context in
            let json = try await context.scope.transaction {
                connection, _ in
                try await connection.query(
                    """
                    select coalesce(json_agg(json_build_object('code', c.code, 'name', c.name, 'minor_units', c.minor_units)
                                             order by c.code = 'RUB' desc, c.code), '[]')::text
                    from crm.currencies c
                    """, prepared: true)[0][0] ?? "[]"
            }
            return JSONResponse.raw("{\"items\":\(json)}")
        }
    }
}

import AccessControl
import Hummingbird

/// `GET /api/v1/clients/{id}/card`: the client with its current and former counterparties,
/// contacts, open deals, recent interactions, open tasks, unpaid invoices and analytics rolled
/// up over all its counterparties, and its documents — one request, one statement, each part under its rules.
struct ClientCardController: Sendable {
    let database: UserDatabase

    func register(on router: Router<CRMRequestContext>) {
        router.get("/api/v1/clients/:id/card") { request, context in
            let id = try RequestInput.id(context, .clients)
            let json = try await database.withRequest(token: RequestInput.token(request, context), clientIP: context.clientIP) {
                connection, _ in
                // The card of sql/297 and the client's documents (sql/380), one statement.
                try await connection.query(
                    """
                    select (crm_api.client_card(\(id))::jsonb || jsonb_build_object('documents', crm_api.client_documents(\(id))))::text
                    """, prepared: true)[0][0]
            }
            guard let json else { throw RequestInput.notFound(.clients, id) }
            return JSONResponse.raw(json)
        }
    }
}

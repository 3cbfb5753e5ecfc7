import AccessControl
import Hummingbird
import PostgresClient

/// `POST /api/v1/approvals/{id}/answer` with `{"decision": "approve"|"reject", "comment": "..."}`:
/// only the step's approver, with the approve action on deals (404 for an approval the caller
/// cannot see, 403 for one that is someone else's); a reject needs a comment and
/// sends the deal back to the step's reject stage. Answers the approval as it is afterwards.
struct ApprovalsController: Sendable {

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.post("/api/v1/approvals/:id/answer") { request, context in try await self.answer(request, context) }
    }

    func answer(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let id = try RequestInput.id(context, .approvals)
        guard case .object(let body) = try RequestInput.json(try await RequestInput.body(request, limit: 64 << 10)) else {
            throw APIError.validation([.init(field: "(body)", message: "must be a JSON object")])
        }
        var problems: [APIError.FieldError] = []
        for key in body.keys where !["decision", "comment"].contains(key) {
            problems.append(.init(field: key, message: "unknown field"))
        }
        let decision = body["decision"]?.stringValue
        if decision == nil || !["approve", "reject"].contains(decision!) {
            problems.append(.init(field: "decision", message: "required: approve or reject"))
        }
        let comment = body["comment"]?.stringValue ?? ""
        if let value = body["comment"], value.stringValue == nil, !value.isNull {
            problems.append(.init(field: "comment", message: "must be a string"))
        }
        if !problems.isEmpty { throw APIError.validation(problems) }
        let json = try await context.scope.transaction { connection, _ in
            // Not visible to the caller under the row rules: 404. Visible but not theirs: the
            // database answers 403.
            if try await connection.query("select 1 from crm.approvals where id = \(id)").isEmpty {
                throw APIError.notFound("no approval \(id)")
            }
            _ = try await connection.query("select crm_api.answer_approval(\(id), \(decision!), \(comment))")
            let rows = try await connection.query(
                PostgresQuery(sql: "select \(Resource.approvals.rowJSON) from crm.approvals t where t.id = $1", bindings: [.init(id)]))
            return rows.first?[0] ?? "{}"
        }
        return JSONResponse.raw(json)
    }
}

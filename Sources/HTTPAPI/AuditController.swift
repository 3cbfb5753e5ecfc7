import AccessControl
import Foundation
import Hummingbird
import PostgresClient

/// `GET /api/v1/audit`: the audit log for admins, newest first, filtered by user, table, row,
/// action and period; keyset pages through `before_id`. Reading it is itself not audited as a
/// change, but only admins (from an admin network) see any entry: the database decides.
public struct AuditController: Sendable {
    public init() {}

    static let actions: Set<String> = [
        "insert", "update", "delete", "login", "login_failed", "lockout", "logout", "permission_change", "export", "admin_command",
        "exchange", "import",
    ]

    public func register(on router: some RouterMethods<CRMRequestContext>) {
        router.get("/api/v1/audit") { request, context in try await self.list(request, context) }
    }

    func list(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        var parameters = QueryParameters(request)
        let userID = parameters.int64("user_id")
        let table = parameters.string("table")
        let rowID = parameters.int64("row_id")
        let action = parameters.string("action", allowed: Self.actions)
        let from = parameters.date("from")
        let to = parameters.date("to")
        let beforeID = parameters.int64("before_id")
        let limit = parameters.int64("limit") ?? 100
        if !(1...1000).contains(limit) { throw APIError.validation([.init(field: "limit", message: "must be between 1 and 1000")]) }
        try parameters.validate()
        let json = try await context.scope.transaction { connection, _ in
            _ = try await connection.query("select crm_api.require_admin()")
            return try await connection.query(
                """
                select coalesce(jsonb_agg(entry order by (entry->>'id')::bigint desc), '[]')::text from (
                  select jsonb_build_object(
                    'id', id, 'at', at, 'user_id', user_id, 'db_role', db_role, 'login_role', login_role,
                    'session_id', session_id, 'api_token_id', api_token_id, 'client_ip', host(client_ip),
                    'table', table_name, 'row_id', row_id, 'action', action, 'old', old_values, 'new', new_values,
                    'details', details, 'seq', seq, 'hash', encode(hash, 'hex')) as entry
                  from audit.log
                  where (\(userID)::bigint is null or user_id = \(userID))
                    and (\(table)::text is null or table_name = \(table))
                    and (\(rowID)::bigint is null or row_id = \(rowID))
                    and (\(action)::text is null or action = \(action))
                    and (\(from)::timestamptz is null or at >= \(from))
                    and (\(to)::timestamptz is null or at < \(to))
                    and (\(beforeID)::bigint is null or id < \(beforeID))
                  order by id desc
                  limit \(limit)
                ) page
                """)[0].decode(String.self, at: 0)
        }
        return JSONResponse.raw(json)
    }
}

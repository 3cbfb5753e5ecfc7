import AccessControl
import Credentials
import Hummingbird
import PostgresClient

/// Serves one `Resource` under `/api/v1/<path>`: list, create, read, update, delete.
///
/// Every statement runs in the request's transaction (`context.scope`, as `crm_user` with the caller's
/// context): row-level security alone decides which rows exist. Responses are JSON built by
/// PostgreSQL (`row_to_json`), passed through untouched: money stays exact text.
struct ResourceController: Sendable {
    let resource: Resource

    /// The largest JSON body accepted.
    static let maximumBody = 1 << 20

    func register(on router: some RouterMethods<CRMRequestContext>) {
        let group = router.group(RouterPath("/api/v1/\(resource.path)"))
        let ops = resource.operations
        if ops.contains(.list) { group.get { request, context in try await self.list(request, context) } }
        if ops.contains(.create) { group.post { request, context in try await self.create(request, context) } }
        if ops.contains(.read) { group.get(":id") { request, context in try await self.read(request, context) } }
        if ops.contains(.update) { group.patch(":id") { request, context in try await self.update(request, context) } }
        if ops.contains(.delete) { group.delete(":id") { request, context in try await self.delete(request, context) } }
    }

    // MARK: list

    func list(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let requestParameters = request.uri.queryParameters.map { (key: String($0.key), value: String($0.value)) }
        let savedFilter = try SavedFilters.requestedID(requestParameters)
        let json = try await context.scope.transaction { connection, _ in
            let parameters = try await SavedFilters.resolve(savedFilter, resource: resource, under: requestParameters, on: connection)
            let query = ResourceListQuery(resource: resource, parameters: parameters)
            if !query.problems.isEmpty { throw APIError.validation(query.problems) }
            let page = query.pageQuery()
            let rows = try await connection.query(page.builder.query(page.sql), prepared: true)
            var count: String?
            if query.wantsCount {
                let countQuery = query.countQuery()
                count = try await connection.query(countQuery.builder.query(countQuery.sql), prepared: true)[0][0]
            }
            return Self.page(rows, limit: query.limit, sortKey: query.sortKey, similar: query.similar != nil, count: count)
        }
        return JSONResponse.raw(json)
    }

    /// `{"items": [...], "next_cursor": "..." | null[, "count": n]}` from the page rows
    /// (row JSON, sort value, id; one more than the limit when there is a next page).
    static func page(_ rows: PostgresRows, limit: Int, sortKey: String, similar: Bool, count: String?) -> String {
        var out = "{\"items\":["
        let shown = min(rows.count, limit)
        for index in 0..<shown {
            if index > 0 { out += "," }
            out += rows[index][0] ?? "null"
        }
        out += "],\"next_cursor\":"
        if rows.count > limit, !similar, let cursor = ListCursor.next(sort: sortKey, lastRow: rows[limit - 1][1], id: rows[limit - 1][2]) {
            out += JSONValue.quoted(cursor.token)
        } else {
            out += "null"
        }
        if let count { out += ",\"count\":\(count)" }
        out += "}"
        return out
    }

    // MARK: read

    func read(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let id = try RequestInput.id(context, resource)
        let row = try await context.scope.transaction {
            connection, _ in
            try await fetch(id, on: connection)
        }
        return RowResponse.make(row)
    }

    /// The row's JSON and version (nil for a table without versions, e.g. the stage history), or 404.
    func fetch(_ id: Int64, on connection: PostgresConnection) async throws -> RowResponse {
        let version = resource.field("version") == nil ? "null" : "t.version"
        let rows = try await connection.query(
            PostgresQuery(sql: "select \(resource.rowJSON), \(version) from \(resource.table) t where t.id = $1", bindings: [.init(id)]),
            prepared: true)
        guard let row = rows.first, let json = row[0] else { throw RequestInput.notFound(resource, id) }
        return RowResponse(json: json, version: row[1], location: "/api/v1/\(resource.path)/\(id)")
    }

    // MARK: create

    func create(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let bytes = try await RequestInput.body(request, limit: Self.maximumBody)
        let idempotency = try Idempotency.Key(request: request, body: bytes, path: resource.path)
        let (values, problems) = ResourceBody(resource: resource, mode: .create).validate(try RequestInput.json(bytes))
        return try await context.scope.transaction { connection, _ in
            if let idempotency, let replay = try await idempotency.begin(on: connection) { return replay }
            let warnings = try await checkWrite(values, id: nil, problems: problems, on: connection)
            var row = try await fetch(try await insert(values, on: connection), on: connection)
            row.status = .created
            if !warnings.isEmpty { row.json = RowResponse.adding(warnings: warnings, to: row.json) }
            try await idempotency?.finish(row, on: connection)
            return RowResponse.make(row)
        }
    }

    /// Inserts the validated columns (the rest take their defaults) and returns the new id;
    /// 403 when the rules refuse (the row must also be readable: `returning id`).
    func insert(_ values: [String: JSONValue], on connection: PostgresConnection) async throws -> Int64 {
        let columns = values.keys.sorted()
        let insert: PostgresQuery
        if columns.isEmpty {
            insert = PostgresQuery(sql: "insert into \(resource.table) default values returning id", bindings: [])
        } else {
            let list = columns.joined(separator: ", ")
            insert = PostgresQuery(
                sql: """
                    insert into \(resource.table) (\(list)) \
                    select \(list) from jsonb_populate_record(null::\(resource.table), $1::jsonb) returning id
                    """,
                bindings: [.init(text: JSONValue.object(values).jsonText, type: .text)])
        }
        let inserted = try await connection.query(insert, prepared: true)
        guard let idText = inserted.first?[0], let id = Int64(idText) else { throw APIError.forbidden("not allowed by your role") }
        return id
    }

    /// Reference visibility and the resource's rules; throws one 422 with every problem.
    /// Returns the rules' warnings.
    func checkWrite(
        _ values: [String: JSONValue], id: Int64?, problems: [APIError.FieldError], on connection: PostgresConnection
    )
        async throws -> [JSONValue]
    {
        var problems = problems
        problems += try await ReferenceCheck.problems(values, of: resource, on: connection)
        var warnings: [JSONValue] = []
        if problems.isEmpty {
            for rule in resource.rules {
                let outcome = try await rule.check(ResourceWrite(values: values, id: id), on: connection)
                problems += outcome.problems
                warnings += outcome.warnings
            }
        }
        if !problems.isEmpty { throw APIError.validation(problems) }
        return warnings
    }

    // MARK: update

    func update(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let id = try RequestInput.id(context, resource)
        let expected = try RequestInput.expectedVersion(request)
        let bytes = try await RequestInput.body(request, limit: Self.maximumBody)
        let (values, found) = ResourceBody(resource: resource, mode: .update).validate(try RequestInput.json(bytes))
        let problems = values.isEmpty && found.isEmpty ? [.init(field: "(body)", message: "no field to change")] : found
        let row = try await context.scope.transaction { connection, _ in
            _ = try await checkWrite(values, id: id, problems: problems, on: connection)
            let columns = values.keys.sorted()
            let targets = columns.joined(separator: ", ")
            let sources = columns.map { "p.\($0)" }.joined(separator: ", ")
            let updated = try await connection.query(
                PostgresQuery(
                    sql: """
                        update \(resource.table) t set (\(targets)) = (select \(sources) \
                        from jsonb_populate_record(t, $1::jsonb) p) \
                        where t.id = $2 and ($3::int is null or t.version = $3::int) returning t.id
                        """,
                    bindings: [.init(text: JSONValue.object(values).jsonText, type: .text), .init(id), .init(expected)]),
                prepared: true)
            if updated.isEmpty { throw try await refusal(id, expected: expected, on: connection) }
            return try await fetch(id, on: connection)
        }
        return RowResponse.make(row)
    }

    // MARK: delete

    func delete(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let id = try RequestInput.id(context, resource)
        let expected = try RequestInput.expectedVersion(request)
        try await context.scope.transaction { connection, _ in
            let deleted = try await connection.query(
                PostgresQuery(
                    sql: "delete from \(resource.table) t where t.id = $1 and ($2::int is null or t.version = $2::int) returning t.id",
                    bindings: [.init(id), .init(expected)]),
                prepared: true)
            if deleted.isEmpty { throw try await refusal(id, expected: expected, on: connection) }
        }
        return Response(status: .noContent)
    }

    /// Why a write touched no row: 404 when the caller cannot see it (or it does not exist —
    /// the same answer), 412 when its version is not the expected one, else 403 (the rules).
    func refusal(_ id: Int64, expected: Int32?, on connection: PostgresConnection) async throws -> APIError {
        let rows = try await connection.query(
            PostgresQuery(sql: "select t.version from \(resource.table) t where t.id = $1", bindings: [.init(id)]), prepared: true)
        guard let version = rows.first?[0] else { return RequestInput.notFound(resource, id) }
        if let expected, String(expected) != version {
            return .preconditionFailed(
                "the \(resource.singular) was changed meanwhile: it is at version \(version), not \(expected); read it again")
        }
        return .forbidden("not allowed by your role")
    }
}

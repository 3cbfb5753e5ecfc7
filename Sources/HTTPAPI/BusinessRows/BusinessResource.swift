import AccessControl
import Foundation
import Hummingbird
import PostgresClient

/// One business table served under `/api/v1/<name>` by `BusinessRowsController`.
///
/// Every statement runs inside `UserDatabase.withRequest`, i.e. as `crm_user` with the acting
/// user's context: row-level security alone decides which rows exist for the caller. There is
/// deliberately no `WHERE owner_id = ...` in Swift. Table and column names are constants of the
/// conforming type; every value is a bound parameter.
protocol BusinessResource: Sendable {
    associatedtype Item: Encodable & Sendable
    associatedtype CreateInput: Decodable & Sendable
    associatedtype UpdateInput: Decodable & Sendable

    /// The URL segment, also the table name in schema `crm` (a constant).
    static var name: String { get }
    /// The select list (constant SQL), decoded by `item(from:)`.
    static var columns: String { get }
    static func item(from row: PostgresRow) throws -> Item

    /// Validates `input` (throwing `APIError.validation` with every wrong field) and inserts the
    /// row, returning it (`returning <columns>`). The policy may refuse: 42501 → 403.
    static func insert(_ input: CreateInput, by identity: Identity, on connection: PostgresConnection) async throws -> PostgresRows
    /// Validates `input` and updates row `id`, returning it; no rows when the policy hides the
    /// row from the update (the controller then tells 403 from 404).
    static func update(id: Int64, _ input: UpdateInput, on connection: PostgresConnection) async throws -> PostgresRows
}

extension BusinessResource {
    static var table: String { "crm.\(name)" }
}

/// `GET/POST /api/v1/<name>`, `GET/PATCH/DELETE /api/v1/<name>/{id}` for one resource.
struct BusinessRowsController<Resource: BusinessResource>: Sendable {
    let database: UserDatabase

    /// The newest rows the caller may see.
    static var listLimit: Int { 50 }

    struct ListResponse: Encodable {
        var items: [Resource.Item]
    }

    func register(on router: Router<CRMRequestContext>) {
        let group = router.group(RouterPath("/api/v1/\(Resource.name)"))
        group.get { request, context in try await self.list(request, context) }
        group.post { request, context in try await self.create(request, context) }
        group.get(":id") { request, context in try await self.show(request, context) }
        group.patch(":id") { request, context in try await self.update(request, context) }
        group.delete(":id") { request, context in try await self.delete(request, context) }
    }

    func list(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let query = PostgresQuery(
            sql: "select \(Resource.columns) from \(Resource.table) order by created_at desc, id desc limit $1",
            bindings: [PostgresBinding(Self.listLimit)])
        let items = try await database.withRequest(token: context.bearerToken(from: request), clientIP: context.clientIP) {
            connection, _ in
            try await connection.query(query, prepared: true).map(Resource.item(from:))
        }
        return try JSONResponse.make(ListResponse(items: items))
    }

    func show(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let item = try await database.withRequest(token: context.bearerToken(from: request), clientIP: context.clientIP) {
            connection, _ in
            let rows = try await connection.query(
                PostgresQuery(sql: "select \(Resource.columns) from \(Resource.table) where id = $1", bindings: [PostgresBinding(id)]),
                prepared: true)
            guard let row = rows.first else { throw Self.notFound(id) }
            return try Resource.item(from: row)
        }
        return try JSONResponse.make(item)
    }

    func create(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let token = try Self.requireToken(request, context)
        let input = try await request.decode(as: Resource.CreateInput.self, context: context)
        let item = try await database.withRequest(token: token, clientIP: context.clientIP) { connection, identity in
            let rows = try await Resource.insert(input, by: identity, on: connection)
            guard let row = rows.first else { throw APIError.forbidden("not allowed by your role") }
            return try Resource.item(from: row)
        }
        return try JSONResponse.make(item, status: .created)
    }

    func update(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let token = try Self.requireToken(request, context)
        let input = try await request.decode(as: Resource.UpdateInput.self, context: context)
        let item = try await database.withRequest(token: token, clientIP: context.clientIP) { connection, _ in
            let rows = try await Resource.update(id: id, input, on: connection)
            guard let row = rows.first else { throw try await Self.refusal(id, on: connection) }
            return try Resource.item(from: row)
        }
        return try JSONResponse.make(item)
    }

    func delete(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let id = try Self.id(context)
        try await database.withRequest(token: context.bearerToken(from: request), clientIP: context.clientIP) { connection, _ in
            let rows = try await connection.query(
                PostgresQuery(sql: "delete from \(Resource.table) where id = $1 returning id", bindings: [PostgresBinding(id)]),
                prepared: true)
            if rows.isEmpty { throw try await Self.refusal(id, on: connection) }
        }
        return Response(status: .noContent)
    }

    /// Why a write touched no row: 404 when the caller cannot see the row (or it does not
    /// exist — the same answer), 403 when it is visible but the policy refuses the change.
    static func refusal(_ id: Int64, on connection: PostgresConnection) async throws -> APIError {
        let visible = try await BusinessRows.isVisible(table: Resource.table, id: id, on: connection)
        return visible ? .forbidden("not allowed by your role") : notFound(id)
    }

    /// The bearer token, checked for presence before the body is read (a request without one
    /// gets 401 whatever its body); `withRequest` checks the rest.
    static func requireToken(_ request: Request, _ context: CRMRequestContext) throws -> String {
        guard let token = context.bearerToken(from: request) else { throw AccessError.unauthenticated(reason: "missing_token") }
        return token
    }

    static func notFound(_ id: Int64) -> APIError {
        .notFound("no \(Resource.name.dropLast()) \(id)")
    }

    static func id(_ context: CRMRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError.notFound("no such \(Resource.name.dropLast())")
        }
        return id
    }
}

/// Helpers shared by the resources.
enum BusinessRows {
    /// Whether the acting user can see row `id` of `table` (a constant `crm.<name>`).
    static func isVisible(table: String, id: Int64, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            PostgresQuery(sql: "select exists (select 1 from \(table) where id = $1)", bindings: [PostgresBinding(id)]),
            prepared: true)
        return try rows[0].decode(Bool.self, at: 0)
    }

    /// Adds a problem for `field` when `id` is given but names no row the caller can see
    /// (the same answer as for a row that does not exist, so nothing leaks).
    static func checkReference(
        _ id: Int64?, field: String, table: String, on connection: PostgresConnection, into problems: inout [APIError.FieldError]
    ) async throws {
        guard let id else { return }
        if id <= 0 {
            problems.append(.init(field: field, message: "must be a positive id"))
        } else if try await !isVisible(table: table, id: id, on: connection) {
            problems.append(.init(field: field, message: "no such row"))
        }
    }

    /// Whether user `id` exists (users are readable by every signed-in user).
    static func checkUser(_ id: Int64?, field: String, on connection: PostgresConnection, into problems: inout [APIError.FieldError])
        async throws
    {
        try await checkReference(id, field: field, table: "crm.users", on: connection, into: &problems)
    }

    /// A required or optional text field: trimmed, not empty when given, at most `maximum` characters.
    static func checkText(
        _ value: String?, field: String, required: Bool, maximum: Int, into problems: inout [APIError.FieldError]
    ) {
        guard let value else {
            if required { problems.append(.init(field: field, message: "required")) }
            return
        }
        if required && value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(.init(field: field, message: "must not be empty"))
        } else if value.count > maximum {
            problems.append(.init(field: field, message: "longer than \(maximum) characters"))
        } else if value.unicodeScalars.contains(where: { $0 == "\0" }) {
            problems.append(.init(field: field, message: "contains a NUL character"))
        }
    }

    static func checkOneOf(_ value: String?, field: String, allowed: [String], into problems: inout [APIError.FieldError]) {
        if let value, !allowed.contains(value) {
            problems.append(.init(field: field, message: "must be one of: \(allowed.joined(separator: ", "))"))
        }
    }

    /// An ISO 8601 timestamp (`2026-05-01T10:00:00Z`, optional fractional seconds).
    static func parseTimestamp(_ value: String?, field: String, into problems: inout [APIError.FieldError]) -> Date? {
        guard let value else { return nil }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = plain.date(from: value) ?? fractional.date(from: value) { return date }
        problems.append(.init(field: field, message: "not an ISO 8601 timestamp"))
        return nil
    }

    static func throwIfAny(_ problems: [APIError.FieldError]) throws {
        if !problems.isEmpty { throw APIError.validation(problems) }
    }
}

/// A money amount in a request body: a JSON number or a decimal string (`"1500.50"`), kept
/// exact as `Decimal`.
struct MoneyInput: Decodable, Sendable {
    let value: Decimal?
    /// The text when the amount came as a string (it must then look like `123.45`).
    let text: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
            value = Decimal(string: string, locale: Locale(identifier: "en_US_POSIX"))
        } else {
            text = nil
            value = try container.decode(Decimal.self)
        }
    }

    /// The amount when it is a non-negative number below 10^16 with at most 2 decimals.
    func validated(field: String, into problems: inout [APIError.FieldError]) -> Decimal? {
        let textIsPlain = text.map { $0.wholeMatch(of: #/[0-9]{1,16}(\.[0-9]{1,2})?/#) != nil } ?? true
        guard textIsPlain, let value, !value.isNaN, value >= 0, value < Decimal(sign: .plus, exponent: 16, significand: 1),
            Self.hasAtMostTwoDecimals(value)
        else {
            problems.append(.init(field: field, message: "must be a non-negative amount below 10^16 with at most 2 decimals"))
            return nil
        }
        return value
    }

    static func hasAtMostTwoDecimals(_ value: Decimal) -> Bool {
        var scaled = value * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        return rounded == scaled
    }
}

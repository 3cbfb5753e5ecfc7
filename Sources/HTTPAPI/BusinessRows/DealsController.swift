import AccessControl
import Foundation
import PostgresClient

/// `/api/v1/deals`: sales opportunities (`crm.deals`); `amount` is NUMERIC(18,2) as `Decimal`.
typealias DealsController = BusinessRowsController<DealsResource>

enum DealsResource: BusinessResource {
    static let name = "deals"

    struct Item: Encodable, Sendable {
        var id: Int64
        var title: String
        var clientID: Int64?
        var amount: Decimal
        var currency: String
        var stage: String
        var ownerID: Int64
        var responsibleID: Int64?
        var departmentID: Int64?
        var territoryID: Int64?
        var closedAt: Date?
        var version: Int32
        var createdAt: Date
        var updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, title, amount, currency, stage, version
            case clientID = "client_id", ownerID = "owner_id", responsibleID = "responsible_id", departmentID = "department_id"
            case territoryID = "territory_id", closedAt = "closed_at", createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    static let columns = """
        id, title, client_id, amount, currency, stage, owner_id, responsible_id, department_id, territory_id, closed_at, \
        version, created_at, updated_at
        """

    static func item(from row: PostgresRow) throws -> Item {
        let (id, title, client, amount, currency, stage, owner, responsible, department, territory, closed, version, created, updated) =
            try row.decode(
                (Int64, String, Int64?, Decimal, String, String, Int64, Int64?, Int64?, Int64?, Date?, Int32, Date, Date).self)
        return Item(
            id: id, title: title, clientID: client, amount: amount, currency: currency, stage: stage, ownerID: owner,
            responsibleID: responsible, departmentID: department, territoryID: territory, closedAt: closed, version: version,
            createdAt: created, updatedAt: updated)
    }

    struct CreateInput: Decodable, Sendable {
        var title: String?
        var clientID: Int64?
        var amount: MoneyInput?
        var currency: String?
        var stage: String?

        enum CodingKeys: String, CodingKey {
            case title, amount, currency, stage
            case clientID = "client_id"
        }
    }

    struct UpdateInput: Decodable, Sendable {
        var title: String?
        var amount: MoneyInput?
        var currency: String?
        var stage: String?
    }

    static func checkCurrency(_ currency: String?, into problems: inout [APIError.FieldError]) {
        if let currency, currency.wholeMatch(of: #/[A-Z]{3}/#) == nil {
            problems.append(.init(field: "currency", message: "must be a 3-letter ISO 4217 code"))
        }
    }

    static func insert(_ input: CreateInput, by identity: Identity, on connection: PostgresConnection) async throws -> PostgresRows {
        var problems: [APIError.FieldError] = []
        BusinessRows.checkText(input.title, field: "title", required: true, maximum: 300, into: &problems)
        try await BusinessRows.checkReference(input.clientID, field: "client_id", table: "crm.clients", on: connection, into: &problems)
        let amount = input.amount?.validated(field: "amount", into: &problems)
        checkCurrency(input.currency, into: &problems)
        BusinessRows.checkText(input.stage, field: "stage", required: false, maximum: 50, into: &problems)
        try BusinessRows.throwIfAny(problems)
        return try await connection.query(
            PostgresQuery(
                sql: """
                    insert into crm.deals (title, client_id, amount, currency, stage)
                    values ($1, $2, coalesce($3, 0), coalesce($4, 'RUB'), coalesce($5, 'new'))
                    returning \(columns)
                    """,
                bindings: [
                    PostgresBinding(input.title?.trimmingCharacters(in: .whitespacesAndNewlines)), PostgresBinding(input.clientID),
                    PostgresBinding(amount), PostgresBinding(input.currency), PostgresBinding(input.stage),
                ]))
    }

    static func update(id: Int64, _ input: UpdateInput, on connection: PostgresConnection) async throws -> PostgresRows {
        var problems: [APIError.FieldError] = []
        if let title = input.title { BusinessRows.checkText(title, field: "title", required: true, maximum: 300, into: &problems) }
        let amount = input.amount?.validated(field: "amount", into: &problems)
        checkCurrency(input.currency, into: &problems)
        if let stage = input.stage { BusinessRows.checkText(stage, field: "stage", required: true, maximum: 50, into: &problems) }
        try BusinessRows.throwIfAny(problems)
        return try await connection.query(
            PostgresQuery(
                sql: """
                    update crm.deals set title = coalesce($1, title), amount = coalesce($2, amount),
                      currency = coalesce($3, currency), stage = coalesce($4, stage)
                    where id = $5
                    returning \(columns)
                    """,
                bindings: [
                    PostgresBinding(input.title?.trimmingCharacters(in: .whitespacesAndNewlines)), PostgresBinding(amount),
                    PostgresBinding(input.currency), PostgresBinding(input.stage), PostgresBinding(id),
                ]))
    }
}

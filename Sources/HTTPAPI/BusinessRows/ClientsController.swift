import AccessControl
import Foundation
import PostgresClient

/// `/api/v1/clients`: companies the sales team works with (`crm.clients`).
typealias ClientsController = BusinessRowsController<ClientsResource>

enum ClientsResource: BusinessResource {
    static let name = "clients"
    static let kinds = ["customer", "supplier", "both"]

    struct Item: Encodable, Sendable {
        var id: Int64
        var name: String
        var kind: String
        var ownerID: Int64
        var responsibleID: Int64?
        var departmentID: Int64?
        var territoryID: Int64?
        var isPrivate: Bool
        var notes: String
        var version: Int32
        var createdAt: Date
        var updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, name, kind, notes, version
            case ownerID = "owner_id", responsibleID = "responsible_id", departmentID = "department_id"
            case territoryID = "territory_id", isPrivate = "is_private", createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    static let columns = """
        id, name, kind, owner_id, responsible_id, department_id, territory_id, is_private, notes, version, created_at, updated_at
        """

    static func item(from row: PostgresRow) throws -> Item {
        let (id, name, kind, owner, responsible, department, territory, isPrivate, notes, version, created, updated) =
            try row.decode((Int64, String, String, Int64, Int64?, Int64?, Int64?, Bool, String, Int32, Date, Date).self)
        return Item(
            id: id, name: name, kind: kind, ownerID: owner, responsibleID: responsible, departmentID: department,
            territoryID: territory, isPrivate: isPrivate, notes: notes, version: version, createdAt: created, updatedAt: updated)
    }

    struct CreateInput: Decodable, Sendable {
        var name: String?
        var kind: String?
        var notes: String?
        var isPrivate: Bool?
        var territoryID: Int64?

        enum CodingKeys: String, CodingKey {
            case name, kind, notes
            case isPrivate = "is_private", territoryID = "territory_id"
        }
    }

    struct UpdateInput: Decodable, Sendable {
        var name: String?
        var kind: String?
        var notes: String?
    }

    static func insert(_ input: CreateInput, by identity: Identity, on connection: PostgresConnection) async throws -> PostgresRows {
        var problems: [APIError.FieldError] = []
        BusinessRows.checkText(input.name, field: "name", required: true, maximum: 300, into: &problems)
        BusinessRows.checkOneOf(input.kind, field: "kind", allowed: kinds, into: &problems)
        BusinessRows.checkText(input.notes, field: "notes", required: false, maximum: 10_000, into: &problems)
        try await BusinessRows.checkReference(input.territoryID, field: "territory_id", table: "crm.territories", on: connection, into: &problems)
        try BusinessRows.throwIfAny(problems)
        return try await connection.query(
            PostgresQuery(
                sql: """
                    insert into crm.clients (name, kind, notes, is_private, territory_id)
                    values ($1, coalesce($2, 'customer'), coalesce($3, ''), coalesce($4, false), $5)
                    returning \(columns)
                    """,
                bindings: [
                    PostgresBinding(input.name?.trimmingCharacters(in: .whitespacesAndNewlines)), PostgresBinding(input.kind),
                    PostgresBinding(input.notes), PostgresBinding(input.isPrivate), PostgresBinding(input.territoryID),
                ]))
    }

    static func update(id: Int64, _ input: UpdateInput, on connection: PostgresConnection) async throws -> PostgresRows {
        var problems: [APIError.FieldError] = []
        if let name = input.name { BusinessRows.checkText(name, field: "name", required: true, maximum: 300, into: &problems) }
        BusinessRows.checkOneOf(input.kind, field: "kind", allowed: kinds, into: &problems)
        BusinessRows.checkText(input.notes, field: "notes", required: false, maximum: 10_000, into: &problems)
        try BusinessRows.throwIfAny(problems)
        return try await connection.query(
            PostgresQuery(
                sql: """
                    update crm.clients set name = coalesce($1, name), kind = coalesce($2, kind), notes = coalesce($3, notes)
                    where id = $4
                    returning \(columns)
                    """,
                bindings: [
                    PostgresBinding(input.name?.trimmingCharacters(in: .whitespacesAndNewlines)), PostgresBinding(input.kind),
                    PostgresBinding(input.notes), PostgresBinding(id),
                ]))
    }
}

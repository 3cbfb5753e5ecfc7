import AccessControl
import Foundation
import PostgresClient

/// `/api/v1/contacts`: people at clients (`crm.contacts`). Their rule columns are copied from
/// the client by the database, so a contact is visible exactly where its client's rules say.
typealias ContactsController = BusinessRowsController<ContactsResource>

enum ContactsResource: BusinessResource {
    static let name = "contacts"

    struct Item: Encodable, Sendable {
        var id: Int64
        var clientID: Int64
        var name: String
        var position: String
        var phone: String?
        var email: String?
        var ownerID: Int64
        var responsibleID: Int64?
        var departmentID: Int64?
        var territoryID: Int64?
        var isPrivate: Bool
        var version: Int32
        var createdAt: Date
        var updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, name, position, phone, email, version
            case clientID = "client_id", ownerID = "owner_id", responsibleID = "responsible_id", departmentID = "department_id"
            case territoryID = "territory_id", isPrivate = "is_private", createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    static let columns = """
        id, client_id, name, position, phone, email, owner_id, responsible_id, department_id, territory_id, is_private, \
        version, created_at, updated_at
        """

    static func item(from row: PostgresRow) throws -> Item {
        let (id, client, name, position, phone, email, owner, responsible, department, territory, isPrivate, version, created, updated) =
            try row.decode(
                (Int64, Int64, String, String, String?, String?, Int64, Int64?, Int64?, Int64?, Bool, Int32, Date, Date).self)
        return Item(
            id: id, clientID: client, name: name, position: position, phone: phone, email: email, ownerID: owner,
            responsibleID: responsible, departmentID: department, territoryID: territory, isPrivate: isPrivate, version: version,
            createdAt: created, updatedAt: updated)
    }

    struct CreateInput: Decodable, Sendable {
        var clientID: Int64?
        var name: String?
        var position: String?
        var phone: String?
        var email: String?

        enum CodingKeys: String, CodingKey {
            case name, position, phone, email
            case clientID = "client_id"
        }
    }

    struct UpdateInput: Decodable, Sendable {
        var name: String?
        var position: String?
        var phone: String?
        var email: String?
    }

    static func checkEmail(_ email: String?, into problems: inout [APIError.FieldError]) {
        guard let email else { return }
        if email.count > 320 || email.wholeMatch(of: #/[^@\s]+@[^@\s]+\.[^@\s]+/#) == nil {
            problems.append(.init(field: "email", message: "not an e-mail address"))
        }
    }

    static func insert(_ input: CreateInput, by identity: Identity, on connection: PostgresConnection) async throws -> PostgresRows {
        var problems: [APIError.FieldError] = []
        if input.clientID == nil { problems.append(.init(field: "client_id", message: "required")) }
        try await BusinessRows.checkReference(input.clientID, field: "client_id", table: "crm.clients", on: connection, into: &problems)
        BusinessRows.checkText(input.name, field: "name", required: true, maximum: 300, into: &problems)
        BusinessRows.checkText(input.position, field: "position", required: false, maximum: 300, into: &problems)
        BusinessRows.checkText(input.phone, field: "phone", required: false, maximum: 50, into: &problems)
        checkEmail(input.email, into: &problems)
        try BusinessRows.throwIfAny(problems)
        return try await connection.query(
            PostgresQuery(
                sql: """
                    insert into crm.contacts (client_id, name, position, phone, email)
                    values ($1, $2, coalesce($3, ''), $4, $5)
                    returning \(columns)
                    """,
                bindings: [
                    PostgresBinding(input.clientID), PostgresBinding(input.name?.trimmingCharacters(in: .whitespacesAndNewlines)),
                    PostgresBinding(input.position), PostgresBinding(input.phone), PostgresBinding(input.email),
                ]))
    }

    static func update(id: Int64, _ input: UpdateInput, on connection: PostgresConnection) async throws -> PostgresRows {
        var problems: [APIError.FieldError] = []
        if let name = input.name { BusinessRows.checkText(name, field: "name", required: true, maximum: 300, into: &problems) }
        BusinessRows.checkText(input.position, field: "position", required: false, maximum: 300, into: &problems)
        BusinessRows.checkText(input.phone, field: "phone", required: false, maximum: 50, into: &problems)
        checkEmail(input.email, into: &problems)
        try BusinessRows.throwIfAny(problems)
        return try await connection.query(
            PostgresQuery(
                sql: """
                    update crm.contacts set name = coalesce($1, name), position = coalesce($2, position),
                      phone = coalesce($3, phone), email = coalesce($4, email)
                    where id = $5
                    returning \(columns)
                    """,
                bindings: [
                    PostgresBinding(input.name?.trimmingCharacters(in: .whitespacesAndNewlines)), PostgresBinding(input.position),
                    PostgresBinding(input.phone), PostgresBinding(input.email), PostgresBinding(id),
                ]))
    }
}

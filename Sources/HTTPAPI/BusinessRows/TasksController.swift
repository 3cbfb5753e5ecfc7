import AccessControl
import Foundation
import PostgresClient

/// `/api/v1/tasks`: to-dos set by a user (`owner_id`) for an assignee (`crm.tasks`).
typealias TasksController = BusinessRowsController<TasksResource>

enum TasksResource: BusinessResource {
    static let name = "tasks"
    static let statuses = ["open", "done", "cancelled"]

    struct Item: Encodable, Sendable {
        var id: Int64
        var title: String
        var assigneeID: Int64
        var dueAt: Date?
        var status: String
        var dealID: Int64?
        var clientID: Int64?
        var ownerID: Int64
        var departmentID: Int64?
        var territoryID: Int64?
        var version: Int32
        var createdAt: Date
        var updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, title, status, version
            case assigneeID = "assignee_id", dueAt = "due_at", dealID = "deal_id", clientID = "client_id", ownerID = "owner_id"
            case departmentID = "department_id", territoryID = "territory_id", createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    static let columns = """
        id, title, assignee_id, due_at, status, deal_id, client_id, owner_id, department_id, territory_id, version, \
        created_at, updated_at
        """

    static func item(from row: PostgresRow) throws -> Item {
        let (id, title, assignee, due, status, deal, client, owner, department, territory, version, created, updated) =
            try row.decode((Int64, String, Int64, Date?, String, Int64?, Int64?, Int64, Int64?, Int64?, Int32, Date, Date).self)
        return Item(
            id: id, title: title, assigneeID: assignee, dueAt: due, status: status, dealID: deal, clientID: client, ownerID: owner,
            departmentID: department, territoryID: territory, version: version, createdAt: created, updatedAt: updated)
    }

    struct CreateInput: Decodable, Sendable {
        var title: String?
        var assigneeID: Int64?
        var dueAt: String?
        var dealID: Int64?
        var clientID: Int64?

        enum CodingKeys: String, CodingKey {
            case title
            case assigneeID = "assignee_id", dueAt = "due_at", dealID = "deal_id", clientID = "client_id"
        }
    }

    struct UpdateInput: Decodable, Sendable {
        var title: String?
        var status: String?
        var dueAt: String?

        enum CodingKeys: String, CodingKey {
            case title, status
            case dueAt = "due_at"
        }
    }

    static func insert(_ input: CreateInput, by identity: Identity, on connection: PostgresConnection) async throws -> PostgresRows {
        var problems: [APIError.FieldError] = []
        BusinessRows.checkText(input.title, field: "title", required: true, maximum: 300, into: &problems)
        let due = BusinessRows.parseTimestamp(input.dueAt, field: "due_at", into: &problems)
        try await BusinessRows.checkUser(input.assigneeID, field: "assignee_id", on: connection, into: &problems)
        try await BusinessRows.checkReference(input.dealID, field: "deal_id", table: "crm.deals", on: connection, into: &problems)
        try await BusinessRows.checkReference(input.clientID, field: "client_id", table: "crm.clients", on: connection, into: &problems)
        try BusinessRows.throwIfAny(problems)
        return try await connection.query(
            PostgresQuery(
                sql: """
                    insert into crm.tasks (title, assignee_id, due_at, deal_id, client_id)
                    values ($1, coalesce($2, $6), $3, $4, $5)
                    returning \(columns)
                    """,
                bindings: [
                    PostgresBinding(input.title?.trimmingCharacters(in: .whitespacesAndNewlines)), PostgresBinding(input.assigneeID),
                    PostgresBinding(due), PostgresBinding(input.dealID), PostgresBinding(input.clientID),
                    PostgresBinding(identity.userID),
                ]))
    }

    static func update(id: Int64, _ input: UpdateInput, on connection: PostgresConnection) async throws -> PostgresRows {
        var problems: [APIError.FieldError] = []
        if let title = input.title { BusinessRows.checkText(title, field: "title", required: true, maximum: 300, into: &problems) }
        BusinessRows.checkOneOf(input.status, field: "status", allowed: statuses, into: &problems)
        let due = BusinessRows.parseTimestamp(input.dueAt, field: "due_at", into: &problems)
        try BusinessRows.throwIfAny(problems)
        return try await connection.query(
            PostgresQuery(
                sql: """
                    update crm.tasks set title = coalesce($1, title), status = coalesce($2, status), due_at = coalesce($3, due_at)
                    where id = $4
                    returning \(columns)
                    """,
                bindings: [
                    PostgresBinding(input.title?.trimmingCharacters(in: .whitespacesAndNewlines)), PostgresBinding(input.status),
                    PostgresBinding(due), PostgresBinding(id),
                ]))
    }
}

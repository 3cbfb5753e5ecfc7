import AccessControl
import Hummingbird
import PostgresClient

/// `GET /api/v1/clients/{id}/card`: the client with its current and former counterparties,
/// contacts, open deals, recent interactions, open tasks, unpaid invoices and analytics rolled
/// up over all its counterparties, and its documents — each part under its rules — with the names of the people
/// it mentions next to their ids (one more statement for all of them, as the users' rules show).
struct ClientCardController: Sendable {

    /// The parts of the card that name people, and the keys they name them by.
    static let people: [(part: String?, keys: [String])] = [
        (nil, ["owner_id", "responsible_id"]), ("open_deals", ["owner_id", "responsible_id"]),
        ("recent_interactions", ["owner_id"]), ("open_tasks", ["assignee_id"]), ("emails", ["owner_id"]),
    ]

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.get("/api/v1/clients/:id/card") { request, context in
            let id = try RequestInput.id(context, .clients)
            let json = try await context.scope.transaction {
                connection, _ -> String? in
                // The card of sql/297, the client's documents (sql/380) and letters (sql/401), one statement.
                let card = try await connection.query(
                    """
                    select (crm_api.client_card(\(id))::jsonb || jsonb_build_object('documents', crm_api.client_documents(\(id)),
                                                                                'emails', crm_api.client_emails(\(id))))::text
                    """, prepared: true)
                guard let text = card[0][0] else { return nil }
                return try await Self.withNames(try JSONValue.parse(Array(text.utf8)), on: connection).jsonText
            }
            guard let json else { throw RequestInput.notFound(.clients, id) }
            return JSONResponse.raw(json)
        }
    }

    /// `card` with `owner_name` beside `owner_id` and so on, in every part that names people.
    static func withNames(_ card: JSONValue, on connection: PostgresConnection) async throws -> JSONValue {
        guard case .object(var parts) = card, case .object(var client)? = parts["client"] else { return card }
        var rows: [String: [[String: JSONValue]]] = [:]
        for (part, _) in people {
            guard let part else { continue }
            if case .array(let items)? = parts[part] { rows[part] = items.compactMap { if case .object(let o) = $0 { o } else { nil } } }
        }
        var ids = Set<Int64>()
        func collect(_ row: [String: JSONValue], _ keys: [String]) {
            for key in keys { if case .number(let n)? = row[key], let id = Int64(n) { ids.insert(id) } }
        }
        for (part, keys) in people {
            if let part { rows[part]?.forEach { collect($0, keys) } } else { collect(client, keys) }
        }
        var names: [String: String] = [:]
        if !ids.isEmpty {
            let list = ids.map(String.init).joined(separator: ",")
            for row in try await connection.query(
                "select id::text, name from crm.users where id = any(string_to_array(\(list), ',')::bigint[])", prepared: true)
            {
                if let id = row[0], let name = row[1] { names[id] = name }
            }
        }
        func named(_ row: [String: JSONValue], _ keys: [String]) -> [String: JSONValue] {
            var row = row
            for key in keys {
                let name: JSONValue
                if case .number(let n)? = row[key], let found = names[n] { name = .string(found) } else { name = .null }
                row[String(key.dropLast(3)) + "_name"] = name
            }
            return row
        }
        for (part, keys) in people {
            if let part {
                if let items = rows[part] { parts[part] = .array(items.map { .object(named($0, keys)) }) }
            } else {
                client = named(client, keys)
            }
        }
        parts["client"] = .object(client)
        return .object(parts)
    }
}

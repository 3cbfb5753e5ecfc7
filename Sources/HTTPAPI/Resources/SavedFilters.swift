import Hummingbird
import HummingbirdCore
import PostgresClient

/// Saved filters (`crm.saved_filters`, each user's own), in one place: `saved_filter=ID` on a
/// list or an export applies the stored query string — parameters given with the request
/// override stored ones — and a filter being saved must name a list and hold a query that list
/// accepts (`SavedFilterQuery`, the resource rule, asks `problems`).
enum SavedFilters {
    /// `saved_filter=ID` if given; 422 unless it is one positive id. Read before the
    /// transaction, so a wrong one costs no round trip.
    static func requestedID(_ parameters: [(key: String, value: String)]) throws -> Int64? {
        let given = parameters.filter { $0.key == "saved_filter" }
        guard let first = given.first else { return nil }
        guard given.count == 1, let id = Int64(first.value), id > 0 else {
            throw APIError.validation([.init(field: "saved_filter", message: "must be the id of one of your saved filters")])
        }
        return id
    }

    /// The parameters the list runs with: with `id` (from `requestedID`), the saved filter's
    /// under `parameters`; without, `parameters` as they are. 422 for a filter the caller does not
    /// have (row-level security: only one's own) or one saved for another list.
    static func resolve(
        _ id: Int64?, resource: Resource, under parameters: [(key: String, value: String)], on connection: PostgresConnection
    ) async throws -> [(key: String, value: String)] {
        guard let id else { return parameters }
        let rows = try await connection.query(
            "select resource, query from crm.saved_filters where id = \(id)", prepared: true)
        guard let row = rows.first else {
            throw APIError.validation([.init(field: "saved_filter", message: "no saved filter \(id) of yours")])
        }
        let (savedResource, query) = try row.decode((String, String).self)
        guard savedResource == resource.path else {
            throw APIError.validation([.init(field: "saved_filter", message: "saved filter \(id) is for /api/v1/\(savedResource)")])
        }
        return merge(stored: Self.parameters(of: query), under: parameters)
    }

    /// The stored parameters not given in `parameters`, then `parameters` (without `saved_filter`).
    static func merge(
        stored: [(key: String, value: String)], under parameters: [(key: String, value: String)]
    )
        -> [(key: String, value: String)]
    {
        let given = Set(parameters.map(\.key))
        return stored.filter { !given.contains($0.key) } + parameters.filter { $0.key != "saved_filter" }
    }

    /// The parameters of a stored query string (`stage_id=3&sort=-amount`).
    static func parameters(of query: String) -> [(key: String, value: String)] {
        URI("/?" + query).queryParameters.map { (key: String($0.key), value: String($0.value)) }
    }

    /// What is wrong with a saved filter for the list at `path` with `query` (nil: not given).
    static func problems(path: String, query: String?) -> [APIError.FieldError] {
        guard let resource = Resource.all.first(where: { $0.path == path && $0.operations.contains(.list) }) else {
            let names = Resource.all.filter { $0.operations.contains(.list) }.map(\.path)
            return [.init(field: "resource", message: "must be one of: \(names.joined(separator: ", "))")]
        }
        guard let query else { return [] }
        let parameters = Self.parameters(of: query)
        if parameters.contains(where: { $0.key == "saved_filter" || $0.key == "cursor" }) {
            return [.init(field: "query", message: "cannot contain saved_filter or cursor")]
        }
        let problems = ResourceListQuery(resource: resource, parameters: parameters).problems
        return problems.map { .init(field: "query", message: "\($0.field): \($0.message)") }
    }
}

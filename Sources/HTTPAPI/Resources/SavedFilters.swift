import Hummingbird
import HummingbirdCore
import PostgresClient

/// Saved filters (`crm.saved_filters`, each user's own): `saved_filter=ID` on a list applies
/// the stored query string; parameters given with the request override stored ones.
enum SavedFilters {
    static func merge(
        _ id: Int64, resource: Resource, under parameters: [(key: String, value: String)], on connection: PostgresConnection
    ) async throws -> [(key: String, value: String)] {
        let rows = try await connection.query(
            "select resource, query from crm.saved_filters where id = \(id)", prepared: true)
        guard let row = rows.first else {
            throw APIError.validation([.init(field: "saved_filter", message: "no saved filter \(id) of yours")])
        }
        let (savedResource, query) = try row.decode((String, String).self)
        guard savedResource == resource.path else {
            throw APIError.validation([.init(field: "saved_filter", message: "saved filter \(id) is for /api/v1/\(savedResource)")])
        }
        let given = Set(parameters.map(\.key))
        let stored = URI("/?" + query).queryParameters.map { (key: String($0.key), value: String($0.value)) }
        return stored.filter { !given.contains($0.key) } + parameters.filter { $0.key != "saved_filter" }
    }
}

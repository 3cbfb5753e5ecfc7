import Hummingbird
import HummingbirdCore
import PostgresClient

/// A saved filter names a list resource and a query string that list accepts.
struct SavedFilterQuery: ResourceRule {
    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        var path = write.values["resource"]?.stringValue
        if path == nil, let id = write.id {
            path = try await connection.query("select resource from crm.saved_filters where id = \(id)", prepared: true)
                .first?[0]
        }
        guard let path else { return RuleOutcome() }
        guard let resource = Resource.all.first(where: { $0.path == path && $0.operations.contains(.list) }) else {
            let names = Resource.all.filter { $0.operations.contains(.list) }.map(\.path)
            return RuleOutcome(problems: [.init(field: "resource", message: "must be one of: \(names.joined(separator: ", "))")])
        }
        guard let query = write.values["query"]?.stringValue else { return RuleOutcome() }
        let parameters = URI("/?" + query).queryParameters.map { (key: String($0.key), value: String($0.value)) }
        if parameters.contains(where: { $0.key == "saved_filter" || $0.key == "cursor" }) {
            return RuleOutcome(problems: [.init(field: "query", message: "cannot contain saved_filter or cursor")])
        }
        let problems = ResourceListQuery(resource: resource, parameters: parameters).problems
        return RuleOutcome(problems: problems.map { .init(field: "query", message: "\($0.field): \($0.message)") })
    }
}

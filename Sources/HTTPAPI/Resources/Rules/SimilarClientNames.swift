import PostgresClient

/// On creating a client: clients with similar names (trigram similarity, among those the
/// caller may see) come back as warnings — a possible duplicate, not an error.
struct SimilarClientNames: ResourceRule {
    var warningCodes: [String] { ["similar_client"] }

    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        guard write.id == nil, let name = write.values["name"]?.stringValue else { return RuleOutcome() }
        let rows = try await connection.query(
            "select id, name, round(similarity::numeric, 2)::text from crm_api.similar_clients(\(name), 5)", prepared: true)
        let warnings: [JSONValue] = try rows.map { row in
            let (id, similarName, similarity) = try row.decode((Int64, String, String).self)
            return .object([
                "code": .string("similar_client"),
                "message": .string("a client with a similar name exists: «\(similarName)» (id \(id))"),
                "client_id": .number(String(id)), "name": .string(similarName), "similarity": .number(similarity),
            ])
        }
        return RuleOutcome(warnings: warnings)
    }
}

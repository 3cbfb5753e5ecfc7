import PostgresClient

/// At create, at least one of the fields must be given.
struct RequireOneOf: ResourceRule {
    let fields: [String]

    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        guard write.id == nil, !fields.contains(where: { write.values[$0].map { !$0.isNull } ?? false }) else { return RuleOutcome() }
        return RuleOutcome(problems: [.init(field: fields[0], message: "give \(fields.joined(separator: " or "))")])
    }
}

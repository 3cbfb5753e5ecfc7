import PostgresClient

/// At create, `field` must be given when `condition` has one of `values` (e.g. the approver's
/// user when the approver rule is `user`), and two fields may have to differ.
struct RequiredWhen: ResourceRule {
    let field: String
    let condition: String
    let values: Set<String>

    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        guard write.id == nil, let value = write.values[condition]?.stringValue, values.contains(value),
            write.values[field] == nil || write.values[field] == .null
        else { return RuleOutcome() }
        return RuleOutcome(problems: [.init(field: field, message: "required when \(condition) is \(value)")])
    }
}

/// At create, two fields must not name the same row (a stage transition to itself).
struct DifferentFields: ResourceRule {
    let first: String
    let second: String

    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        guard let a = write.values[first], a != .null, a == write.values[second] else { return RuleOutcome() }
        return RuleOutcome(problems: [.init(field: second, message: "must differ from \(first)")])
    }
}

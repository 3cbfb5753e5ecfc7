import PostgresClient

/// `amount` must be above zero (an invoice or a payment of nothing is a typo).
struct PositiveAmount: ResourceRule {
    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        guard let amount = write.values["amount"]?.stringValue,
            FieldType.decimal(amount, integerDigits: 16, fractionDigits: 2, allowZero: false, allowNegative: false) == nil
        else { return RuleOutcome() }
        return RuleOutcome(problems: [.init(field: "amount", message: "must be above zero")])
    }
}

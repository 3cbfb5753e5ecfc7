import PostgresClient

/// A deal line's `quantity × price` must fit its amount (below 10^16 after rounding to kopecks):
/// each value can be in range while their product overflows.
struct LineAmountInRange: ResourceRule {
    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        let quantity = write.values["quantity"]?.stringValue
        let price = write.values["price"]?.stringValue
        guard quantity != nil || price != nil else { return RuleOutcome() }
        let rows = try await connection.query(
            """
            select round(coalesce(\(quantity)::numeric, l.quantity) * coalesce(\(price)::numeric, l.price), 2) < 1e16
            from (select null) x left join crm.deal_lines l on l.id = \(write.id)
            """)
        guard let fits = try rows.first?.decode(Bool?.self, at: 0), !fits else { return RuleOutcome() }
        let field = price != nil ? "price" : "quantity"
        return RuleOutcome(problems: [.init(field: field, message: "quantity × price must stay below 10^16")])
    }
}

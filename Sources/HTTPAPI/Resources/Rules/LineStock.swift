import PostgresClient

/// On adding a deal line: a quantity above the product's stock comes back as a warning
/// (`stock_short`, with the stock) — the sale may still be right (stock arrives, 1C is late),
/// but nobody should promise it unaware.
struct LineStock: ResourceRule {
    var warningCodes: [String] { ["stock_short"] }

    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        guard write.id == nil, let quantity = write.values["quantity"]?.stringValue,
            case .number(let productText)? = write.values["product_id"], let product = Int64(productText)
        else { return RuleOutcome() }
        let rows = try await connection.query(
            "select name, stock::text, unit from crm.products where id = \(product) and stock < \(quantity)::numeric")
        guard let row = rows.first else { return RuleOutcome() }
        let (name, stock, unit) = try row.decode((String, String, String).self)
        return RuleOutcome(warnings: [
            .object([
                "code": .string("stock_short"),
                "message": .string("«\(name)»: \(quantity) \(unit) asked, \(stock) \(unit) in stock"),
                "product_id": .number(String(product)), "stock": .string(stock),
            ])
        ])
    }
}

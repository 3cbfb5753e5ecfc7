import PostgresClient

/// On adding a counterparty: the client's other legal entities whose validity overlaps the new
/// one's come back as warnings (`overlapping_counterparty`). A client may trade through two
/// legal entities at once (a holding, a branch), so it is said, not refused; the usual case —
/// the old entity closed the day before the new one opens — gives no warning.
struct OverlappingCounterparty: ResourceRule {
    var warningCodes: [String] { ["overlapping_counterparty"] }

    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        guard write.id == nil, case .number(let clientText)? = write.values["client_id"], let client = Int64(clientText) else {
            return RuleOutcome()
        }
        let from = write.values["valid_from"]?.stringValue
        let to = write.values["valid_to"]?.stringValue  // a valid_to before valid_from is the other rule's 422
        let rows = try await connection.query(
            """
            select k.id, k.legal_name, k.valid_from::text, coalesce(k.valid_to::text, '')
            from crm.counterparties k
            where k.client_id = \(client)
              and daterange(k.valid_from, k.valid_to, '[]')
                  && daterange(coalesce(\(from)::date, current_date),
                               greatest(\(to)::date, coalesce(\(from)::date, current_date)), '[]')
            order by k.valid_from, k.id limit 5
            """)
        let warnings: [JSONValue] = try rows.map { row in
            let (id, name, validFrom, validTo) = try row.decode((Int64, String, String, String).self)
            return .object([
                "code": .string("overlapping_counterparty"),
                "message": .string(
                    "the client's legal entity «\(name)» (id \(id)) is valid at the same time (from \(validFrom)\(validTo.isEmpty ? "" : " to \(validTo)"))"
                ),
                "counterparty_id": .number(String(id)), "name": .string(name),
            ])
        }
        return RuleOutcome(warnings: warnings)
    }
}

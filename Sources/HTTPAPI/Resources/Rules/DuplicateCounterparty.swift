import PostgresClient

/// A counterparty whose ИНН + КПП exists already → 409 `duplicate` with the existing row when
/// the caller may see it, and only the fact that it exists otherwise.
struct DuplicateCounterparty: ResourceRule {
    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        guard write.values["inn"] != nil || write.values["kpp"] != nil else { return RuleOutcome() }
        var inn = write.values["inn"]?.stringValue
        var kpp = write.values["kpp"]?.stringValue
        if let id = write.id {
            let rows = try await connection.query("select inn, kpp from crm.counterparties where id = \(id)", prepared: true)
            guard let row = rows.first else { return RuleOutcome() }
            let (currentINN, currentKPP) = try row.decode((String, String?).self)
            if write.values["inn"] == nil { inn = currentINN }
            if write.values["kpp"] == nil { kpp = currentKPP } else if write.values["kpp"] == .null { kpp = nil }
        }
        guard let inn else { return RuleOutcome() }
        let rows = try await connection.query("select crm_api.counterparty_by_inn(\(inn), \(kpp))", prepared: true)
        guard let existingText = rows.first?[0], let existing = Int64(existingText), existing != write.id else {
            return RuleOutcome()
        }
        let visible = try await connection.query(
            PostgresQuery(
                sql: "select \(Resource.counterparties.rowJSON) from crm.counterparties t where t.id = $1",
                bindings: [.init(existing)]),
            prepared: true)
        let identity = kpp.map { "ИНН \(inn) / КПП \($0)" } ?? "ИНН \(inn)"
        if let json = visible.first?[0] {
            throw APIError.duplicate(
                "a counterparty with \(identity) exists already (id \(existing))",
                existing: try JSONValue.parse(Array(json.utf8)))
        }
        throw APIError.duplicate(
            "a counterparty with \(identity) exists already (not visible to you; ask its owner or an administrator)",
            existing: nil)
    }
}

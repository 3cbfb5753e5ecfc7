import PostgresClient

/// A counterparty's identifiers agree: КПП only with a company's 10-digit ИНН, ОГРН (13) with
/// a company, ОГРНИП (15) with an entrepreneur's 12-digit ИНН; valid_to not before valid_from.
struct CounterpartyIdentifiers: ResourceRule {
    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        var values = write.values
        if let id = write.id {
            // An update: judge the row as it will be.
            let rows = try await connection.query(
                "select inn, kpp, ogrn, valid_from::text, valid_to::text from crm.counterparties where id = \(id)", prepared: true)
            guard let row = rows.first else { return RuleOutcome() }
            let (inn, kpp, ogrn, from, to) = try row.decode((String, String?, String?, String, String?).self)
            let current: [String: JSONValue] = [
                "inn": .string(inn), "kpp": kpp.map(JSONValue.string) ?? .null, "ogrn": ogrn.map(JSONValue.string) ?? .null,
                "valid_from": .string(from), "valid_to": to.map(JSONValue.string) ?? .null,
            ]
            values = current.merging(values) { _, new in new }
        }
        var problems: [APIError.FieldError] = []
        let inn = values["inn"]?.stringValue
        if let inn, inn.count == 12, values["kpp"]?.stringValue != nil {
            problems.append(.init(field: "kpp", message: "an entrepreneur (12-digit ИНН) has no КПП"))
        }
        if let inn, let ogrn = values["ogrn"]?.stringValue {
            if inn.count == 10 && ogrn.count != 13 {
                problems.append(.init(field: "ogrn", message: "a company (10-digit ИНН) has a 13-digit ОГРН"))
            } else if inn.count == 12 && ogrn.count != 15 {
                problems.append(.init(field: "ogrn", message: "an entrepreneur (12-digit ИНН) has a 15-digit ОГРНИП"))
            }
        }
        if let from = values["valid_from"]?.stringValue, let to = values["valid_to"]?.stringValue, to < from {
            problems.append(.init(field: "valid_to", message: "is before valid_from (\(from))"))
        }
        return RuleOutcome(problems: problems)
    }
}

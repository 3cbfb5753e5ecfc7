import PostgresClient

/// The company profile's bank details agree: the accounts need the БИК and match it by their key
/// digit (as a counterparty's); a 10-digit ИНН goes with a КПП.
struct CompanyProfileDetails: ResourceRule {
    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        var values = write.values
        if let id = write.id {
            let rows = try await connection.query(
                "select inn, kpp, bik, account, correspondent_account from crm.company_profile where id = \(id)", prepared: true)
            if let row = rows.first {
                let names = ["inn", "kpp", "bik", "account", "correspondent_account"]
                var current: [String: JSONValue] = [:]
                for (index, name) in names.enumerated() { current[name] = row[index].map(JSONValue.string) ?? .null }
                values = current.merging(values) { _, new in new }
            }
        }
        var problems = CounterpartyIdentifiers.bankProblems(values)
        if let inn = values["inn"]?.stringValue, inn.count == 12, values["kpp"]?.stringValue != nil {
            problems.append(.init(field: "kpp", message: "an entrepreneur (12-digit ИНН) has no КПП"))
        }
        return RuleOutcome(problems: problems)
    }
}

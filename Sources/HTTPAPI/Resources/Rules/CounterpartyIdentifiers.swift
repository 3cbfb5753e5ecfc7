import CompanyIdentifiers
import PostgresClient

/// A counterparty's identifiers agree: a company's 10-digit ИНН has its КПП and an
/// entrepreneur's 12-digit ИНН none, ОГРН (13) with a company, ОГРНИП (15) with an entrepreneur;
/// the accounts match the bank's БИК by their key digit; valid_to not before valid_from.
struct CounterpartyIdentifiers: ResourceRule {
    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        var values = write.values
        if let id = write.id {
            // An update: judge the row as it will be.
            let rows = try await connection.query(
                """
                select inn, kpp, ogrn, valid_from::text, valid_to::text, bik, account, correspondent_account
                from crm.counterparties where id = \(id)
                """, prepared: true)
            guard let row = rows.first else { return RuleOutcome() }
            let (inn, kpp, ogrn, from, to) = try row.decode((String, String?, String?, String, String?).self)
            let (bik, account, correspondent) = (row[5], row[6], row[7])
            let current: [String: JSONValue] = [
                "inn": .string(inn), "kpp": kpp.map(JSONValue.string) ?? .null, "ogrn": ogrn.map(JSONValue.string) ?? .null,
                "valid_from": .string(from), "valid_to": to.map(JSONValue.string) ?? .null,
                "bik": bik.map(JSONValue.string) ?? .null, "account": account.map(JSONValue.string) ?? .null,
                "correspondent_account": correspondent.map(JSONValue.string) ?? .null,
            ]
            values = current.merging(values) { _, new in new }
        }
        var problems: [APIError.FieldError] = []
        let inn = values["inn"]?.stringValue
        if let inn, inn.count == 12, values["kpp"]?.stringValue != nil {
            problems.append(.init(field: "kpp", message: "an entrepreneur (12-digit ИНН) has no КПП"))
        }
        if let inn, inn.count == 10, values["kpp"]?.stringValue == nil {
            problems.append(.init(field: "kpp", message: "a company (10-digit ИНН) needs its КПП (9 characters)"))
        }
        problems += Self.bankProblems(values)
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

    /// The БИК and the accounts: each account needs the БИК and must match it.
    static func bankProblems(_ values: [String: JSONValue]) -> [APIError.FieldError] {
        var problems: [APIError.FieldError] = []
        var bik: BankIdentifier?
        if let text = values["bik"]?.stringValue {
            do { bik = try BankIdentifier(text) } catch { problems.append(.init(field: "bik", message: "\(error)")) }
        }
        for (field, kind) in [("account", BankAccount.Kind.settlement), ("correspondent_account", .correspondent)] {
            guard let text = values[field]?.stringValue else { continue }
            guard let bik else {
                if values["bik"]?.stringValue == nil && !problems.contains(where: { $0.field == "bik" }) {
                    problems.append(.init(field: "bik", message: "required with \(field)"))
                }
                continue
            }
            do { _ = try BankAccount(text, kind: kind, bik: bik) } catch { problems.append(.init(field: field, message: "\(error)")) }
        }
        return problems
    }
}

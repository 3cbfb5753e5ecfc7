import CompanyIdentifiers
import PostgresClient
import Testing

/// The ИНН, КПП and ОГРН checks are written twice, in Swift (the API's validation, before SQL)
/// and in SQL (the table constraints): the two must agree on every input. Thousands of generated
/// candidates, a tenth of them valid by construction, go through both.
@Suite("Identifier checks: Swift and SQL agree", .stopsItsServers)
struct IdentifierAgreementTests {
    @Test func swiftAndSQLAgree() async throws {
        let server = try await RunningServer.start()
        var random = SystemRandomNumberGenerator()
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) }) }
        var candidates: [(kind: String, value: String)] = []
        for _ in 0..<150 {
            // Every last digit after a random prefix: one in ten is the valid one.
            for last in 0...9 {
                candidates.append(("inn", digits(9) + String(last)))
                candidates.append(("ogrn", digits(12) + String(last)))
            }
            candidates.append(("inn", digits(10) + String(Int.random(in: 10...99, using: &random))))
            candidates.append(("ogrn", digits(14) + String(Int.random(in: 0...9, using: &random))))
            candidates.append(("inn", digits([8, 9, 11, 13].randomElement(using: &random)!)))
            let letters = "0123456789ABZaz-"
            let reason = String((0..<2).map { _ in letters.randomElement(using: &random)! })
            candidates.append(("kpp", digits(4) + reason + digits(3)))
            candidates.append(("kpp", digits([8, 10].randomElement(using: &random)!)))
        }
        // The valid 12-digit ИНН are rare at random: build some from a prefix and every pair.
        let prefix = digits(10)
        for pair in 0..<100 { candidates.append(("inn", prefix + (pair < 10 ? "0" : "") + String(pair))) }

        var kinds: [String] = [], values: [String] = []
        for candidate in candidates {
            kinds.append(candidate.kind)
            values.append(candidate.value)
        }
        let rows = try await ownerQuery(
            server,
            """
            select case k when 'inn' then crm.inn_is_valid(v) when 'kpp' then crm.kpp_is_valid(v) else crm.ogrn_is_valid(v) end
            from unnest(\(kinds)::text[], \(values)::text[]) with ordinality as c(k, v, n) order by n
            """)
        #expect(rows.count == candidates.count)
        var valid = 0
        for (index, row) in rows.enumerated() {
            let (kind, value) = candidates[index]
            let inSQL = try row.decode(Bool.self, at: 0)
            let inSwift: Bool
            switch kind {
            case "inn": inSwift = (try? TaxpayerNumber(value)) != nil
            case "kpp": inSwift = (try? RegistrationReasonCode(value)) != nil
            default: inSwift = (try? StateRegistrationNumber(value)) != nil
            }
            #expect(inSQL == inSwift, "\(kind) \(value): SQL says \(inSQL), Swift says \(inSwift)")
            if inSwift { valid += 1 }
        }
        // Both sides saw valid and invalid numbers of every kind (else the comparison proves little).
        #expect(valid >= 300 && valid < candidates.count - 1000, "\(valid) of \(candidates.count) valid")
        try await server.stop()
    }
}

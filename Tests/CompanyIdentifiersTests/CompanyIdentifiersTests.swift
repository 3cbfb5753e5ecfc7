import CompanyIdentifiers
import Testing

/// Reference values: real registrations (Sberbank: ИНН 7707083893, ОГРН 1027700132195) and
/// numbers whose check digits were computed independently.
@Suite struct CompanyIdentifiersTests {
    @Test(arguments: ["7707083893", "7736207543", " 7707083893 "])
    func validCompanyTaxpayerNumbers(_ text: String) throws {
        #expect(try TaxpayerNumber(text).holder == .company)
    }

    @Test(arguments: ["500100732259", "784806113663"])
    func validIndividualTaxpayerNumbers(_ text: String) throws {
        #expect(try TaxpayerNumber(text).holder == .individual)
    }

    @Test func invalidTaxpayerNumbersSayWhy() {
        #expect(throws: IdentifierProblem.badChecksum(name: "ИНН")) { try TaxpayerNumber("7707083894") }
        #expect(throws: IdentifierProblem.badChecksum(name: "ИНН")) { try TaxpayerNumber("500100732258") }
        #expect(throws: IdentifierProblem.badChecksum(name: "ИНН")) { try TaxpayerNumber("500100732269") }
        #expect(throws: IdentifierProblem.self) { try TaxpayerNumber("77070838") }
        #expect(throws: IdentifierProblem.notDigits(name: "ИНН")) { try TaxpayerNumber("77O7083893") }
        #expect(throws: IdentifierProblem.notDigits(name: "ИНН")) { try TaxpayerNumber("") }
        #expect(throws: IdentifierProblem.notDigits(name: "ИНН")) { try TaxpayerNumber("７７０７０８３８９３") }
    }

    @Test func registrationReasonCodes() throws {
        #expect(try RegistrationReasonCode("773601001").value == "773601001")
        #expect(try RegistrationReasonCode("7736AB001").value == "7736AB001")
        for bad in ["77360100", "7736010011", "7736ab001", "A73601001", "773601О01", ""] {
            #expect(throws: IdentifierProblem.self, "\(bad)") { try RegistrationReasonCode(bad) }
        }
    }

    @Test func stateRegistrationNumbers() throws {
        #expect(try StateRegistrationNumber("1027700132195").holder == .company)
        #expect(try StateRegistrationNumber("1037739010891").holder == .company)
        #expect(try StateRegistrationNumber("304500116000157").holder == .individual)
        #expect(try StateRegistrationNumber("316774600000009").holder == .individual)
        #expect(throws: IdentifierProblem.badChecksum(name: "ОГРН")) { try StateRegistrationNumber("1027700132196") }
        #expect(throws: IdentifierProblem.badChecksum(name: "ОГРНИП")) { try StateRegistrationNumber("304500116000158") }
        #expect(throws: IdentifierProblem.self) { try StateRegistrationNumber("10277001321") }
    }

    @Test func messagesNameTheIdentifier() {
        #expect(IdentifierProblem.badChecksum(name: "ИНН").description == "ИНН has a wrong check digit (a typo?)")
    }
}

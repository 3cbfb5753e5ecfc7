import Foundation
import Testing

/// Counterparties over HTTP: ИНН/КПП/ОГРН checksums (both ИНН lengths), 409 with the existing
/// one on a duplicate ИНН+КПП (without revealing one the caller may not see), similar client
/// names as warnings.
@Suite("Counterparties and clients", .serialized, .stopsItsServers)
struct CounterpartyAPITests {
    @Test("a company needs its КПП; accounts match the bank's БИК by their key digit")
    func bankDetails() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Банковские реквизиты»"}"#)
        var response = try await manager.post(
            "/api/v1/counterparties", #"{"client_id": \#(client), "legal_name": "ПАО Сбербанк", "inn": "7707083893"}"#)
        #expect(response.status == 422)
        #expect(response.fieldErrors["kpp"]?.contains("КПП") == true, "\(response.text)")
        // One digit off in each account; a БИК that is not Russian; an account without a БИК.
        response = try await manager.post(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "ПАО Сбербанк", "inn": "7707083893", "kpp": "773601001",
             "bik": "044525225", "account": "40702810938000000002", "correspondent_account": "30101810400000000226"}
            """)
        #expect(response.status == 422)
        #expect(Set(response.fieldErrors.keys) == ["account", "correspondent_account"], "\(response.text)")
        #expect(response.fieldErrors["account"]?.contains("044525225") == true)
        response = try await manager.post(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "ПАО Сбербанк", "inn": "7707083893", "kpp": "773601001", "bik": "123456789"}
            """)
        #expect(response.fieldErrors["bik"]?.contains("04") == true, "\(response.text)")
        response = try await manager.post(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "ПАО Сбербанк", "inn": "7707083893", "kpp": "773601001", "account": "40702810938000000001"}
            """)
        #expect(response.fieldErrors["bik"]?.contains("required") == true, "\(response.text)")
        response = try await manager.post(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "ПАО Сбербанк", "inn": "7707083893", "kpp": "773601001",
             "bik": "044525225", "account": "40702810938000000001", "correspondent_account": "30101810400000000225"}
            """)
        #expect(response.status == 201, "\(response.text)")
        // A second current legal entity of the same client: accepted, with a warning naming the first.
        response = try await manager.post(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "ИП Иванов Иван Иванович", "inn": "500100732259"}
            """)
        #expect(response.status == 201, "\(response.text)")
        let overlap = (response["warnings"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "overlapping_counterparty" }
        #expect((overlap?["message"] as? String)?.contains("ПАО Сбербанк") == true, "\(response.text)")
        // An update is judged as the row will be: a wrong account against the stored БИК.
        let id = try #require(response.id)
        response = try await manager.patch("/api/v1/counterparties/\(id)", #"{"account": "40702810938000000009"}"#)
        #expect(response.status == 422, "\(response.text)")
        try await server.stop()
    }

    @Test("ИНН, КПП, ОГРН and ОГРНИП are checked by their checksums; every wrong field in one 422")
    func identifiers() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Проверка реквизитов»"}"#)

        // A company: 10-digit ИНН, КПП, 13-digit ОГРН (Сбербанк's real identifiers).
        var response = try await manager.post(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "ПАО Сбербанк", "inn": "7707083893", "kpp": "773601001",
             "ogrn": "1027700132195", "bik": "044525225", "account": "40702810938000000001"}
            """)
        #expect(response.status == 201, "\(response.text)")
        #expect(response.string("inn") == "7707083893")
        // An entrepreneur: 12-digit ИНН, 15-digit ОГРНИП, no КПП.
        response = try await manager.post(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "ИП Иванов Иван Иванович", "inn": "500100732259", "ogrn": "304500116000157"}
            """)
        #expect(response.status == 201, "\(response.text)")

        // Wrong check digits of each, wrong lengths, letters: all named at once.
        response = try await manager.post(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "", "inn": "7707083894", "kpp": "77360100", "ogrn": "1027700132196",
             "bik": "12345", "valid_from": "2026-02-30"}
            """)
        #expect(response.status == 422)
        let fields = response.fieldErrors
        #expect(Set(fields.keys) == ["legal_name", "inn", "kpp", "ogrn", "bik", "valid_from"], "\(response.text)")
        #expect(fields["inn"]?.contains("check digit") == true)
        #expect(fields["ogrn"]?.contains("check digit") == true)
        for (inn, why) in [("500100732258", "check digit"), ("77070838931", "digits"), ("77O7083893", "digits")] {
            response = try await manager.post("/api/v1/counterparties", #"{"client_id": \#(client), "legal_name": "X", "inn": "\#(inn)"}"#)
            #expect(response.status == 422)
            #expect(response.fieldErrors["inn"]?.contains(why) == true, "\(inn): \(response.text)")
        }
        // ОГРНИП with a company ИНН, КПП with an entrepreneur's ИНН, valid_to before valid_from.
        response = try await manager.post(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "X", "inn": "500100732259", "kpp": "773601001",
             "valid_from": "2026-05-01", "valid_to": "2026-04-30"}
            """)
        #expect(response.status == 422)
        #expect(Set(response.fieldErrors.keys) == ["kpp", "valid_to"], "\(response.text)")
        response = try await manager.post(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "X", "inn": "7707083893", "kpp": "773601002", "ogrn": "304500116000157"}
            """)
        #expect(response.fieldErrors["ogrn"]?.contains("13-digit") == true, "\(response.text)")
        let count = try await ownerQuery(server, "select count(*) from crm.counterparties where client_id = \(client)")[0]
            .decode(Int64.self, at: 0)
        #expect(count == 2, "nothing half-written by the refused requests")
        try await server.stop()
    }

    @Test("a duplicate ИНН+КПП is a 409 with the existing counterparty, or only its existence when not visible")
    func duplicates() async throws {
        let server = try await RunningServer.start(demo: true)
        let moscow = try await APIClient.signIn(server, "manager.msk")
        let spb = try await APIClient.signIn(server, "manager.spb")
        let client = try await moscow.create("/api/v1/clients", #"{"name": "ООО «Дубль»"}"#)
        let first = try await moscow.create(
            "/api/v1/counterparties", #"{"client_id": \#(client), "legal_name": "ООО Дубль", "inn": "7707083893", "kpp": "773601001"}"#)
        var response = try await moscow.post(
            "/api/v1/counterparties", #"{"client_id": \#(client), "legal_name": "Другое", "inn": "7707083893", "kpp": "773601001"}"#)
        #expect(response.status == 409)
        #expect(response.errorCode == "duplicate")
        let existing = response.error["existing"] as? [String: Any]
        #expect((existing?["id"] as? NSNumber)?.int64Value == first)
        #expect(existing?["legal_name"] as? String == "ООО Дубль")
        // Another КПП of the same ИНН is another branch: allowed.
        response = try await moscow.post(
            "/api/v1/counterparties", #"{"client_id": \#(client), "legal_name": "Филиал", "inn": "7707083893", "kpp": "773601002"}"#)
        #expect(response.status == 201, "\(response.text)")
        // The St Petersburg manager may not see the Moscow one: 409, but nothing about it.
        let spbClient = try await spb.create("/api/v1/clients", #"{"name": "ООО «Питерский дубль»"}"#)
        response = try await spb.post(
            "/api/v1/counterparties", #"{"client_id": \#(spbClient), "legal_name": "Копия", "inn": "7707083893", "kpp": "773601001"}"#)
        #expect(response.status == 409)
        #expect(response.error["existing"] == nil)
        #expect(!response.text.contains("ООО Дубль") && !response.errorMessage.contains("id \(first)"), "\(response.text)")
        // An update that would make a duplicate is refused the same way.
        let branch = try #require(try await moscow.get("/api/v1/counterparties?inn=7707083893&kpp=773601002").ids.first)
        response = try await moscow.patch("/api/v1/counterparties/\(branch)", #"{"kpp": "773601001"}"#)
        #expect(response.status == 409)
        try await server.stop()
    }

    @Test("similar client names come back as warnings on create; similar= and q= search the list")
    func similarNames() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        var response = try await manager.post("/api/v1/clients", #"{"name": "ООО «Ромашкa»", "notes": "поставки хлеба"}"#)
        #expect(response.status == 201)
        let warnings = response["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.contains { ($0["name"] as? String) == "ООО «Ромашка»" }, "\(response.text)")
        response = try await manager.post("/api/v1/clients", #"{"name": "Совсем другое название 12345"}"#)
        #expect(response.status == 201)
        #expect(response["warnings"] == nil)
        response = try await manager.get("/api/v1/clients?similar=\(urlQuery("Ромашка"))")
        #expect(response.status == 200)
        #expect(response.items.contains { $0["name"] as? String == "ООО «Ромашка»" }, "\(response.text)")
        #expect(!response.items.contains { $0["name"] as? String == "Совсем другое название 12345" })
        // Russian stemming: «поставка» finds «поставки».
        response = try await manager.get("/api/v1/clients?q=\(urlQuery("поставка"))")
        #expect(response.items.map { $0["name"] as? String } == ["ООО «Ромашкa»"], "\(response.text)")
        try await server.stop()
    }
}

/// Overpayments (issue 9): recorded as such, or refused when the company says so.
@Suite("Invoice overpayment", .stopsItsServers) struct OverpaymentTests {
    @Test("1 000 000 paid 1 000 001: overpaid by 1,00; with SECURITY SET overpayment refuse the payment is refused")
    func overpayment() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let accountant = try await APIClient.signIn(server, "accountant")
        let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Переплата»"}"#)
        let counterparty = try await manager.create(
            "/api/v1/counterparties", #"{"client_id": \#(client), "legal_name": "ООО Переплата", "inn": "7707083893", "kpp": "773601001"}"#)
        let deal = try await manager.create(
            "/api/v1/deals", #"{"title": "Большая поставка", "client_id": \#(client), "amount": "1000000"}"#)
        let invoice = try await accountant.create(
            "/api/v1/invoices", #"{"deal_id": \#(deal), "counterparty_id": \#(counterparty), "number": "П-1", "amount": "1000000"}"#)
        _ = try await accountant.create("/api/v1/payments", #"{"invoice_id": \#(invoice), "amount": "1000001"}"#)
        var shown = try await accountant.get("/api/v1/invoices/\(invoice)")
        #expect(shown.string("status") == "overpaid", "\(shown.text)")
        #expect(shown.string("overpaid_amount") == "1.00")
        #expect(try await accountant.get("/api/v1/invoices?status=overpaid").ids == [invoice])

        let console = try AdminConsoleClient(server)
        try await console.signIn()
        #expect(try await console.send("SECURITY SET overpayment refuse").isOK)
        #expect(try await console.send("SECURITY SET overpayment sometimes").isError)
        let second = try await accountant.create(
            "/api/v1/invoices", #"{"deal_id": \#(deal), "counterparty_id": \#(counterparty), "number": "П-2", "amount": "500"}"#)
        _ = try await accountant.create("/api/v1/payments", #"{"invoice_id": \#(second), "amount": "300"}"#)
        let refused = try await accountant.post("/api/v1/payments", #"{"invoice_id": \#(second), "amount": "300"}"#)
        #expect(refused.status == 409, "\(refused.text)")
        #expect(refused.errorMessage.contains("П-2") && refused.errorMessage.contains("100.00"), "\(refused.text)")
        shown = try await accountant.get("/api/v1/invoices/\(second)")
        #expect(
            shown.string("paid_amount") == "300.00" && shown.string("status") == "partially_paid", "nothing half-written: \(shown.text)")
        _ = try await accountant.create("/api/v1/payments", #"{"invoice_id": \#(second), "amount": "200"}"#)
        #expect(try await accountant.get("/api/v1/invoices/\(second)").string("status") == "paid")
        try await server.stop()
    }
}

/// Currencies (issue 9): from a table; an invoice in its deal's currency; no sum across currencies.
@Suite("Currencies", .stopsItsServers) struct CurrencyTests {
    @Test("unknown codes refused; invoices take the deal's currency; the card sums per currency")
    func currencies() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let director = try await APIClient.signIn(server, "director")
        let accountant = try await APIClient.signIn(server, "accountant")
        let listed = try await manager.get("/api/v1/currencies")
        #expect(
            listed.items.first?["code"] as? String == "RUB" && listed.items.contains { $0["code"] as? String == "CNY" }, "\(listed.text)")
        var response = try await manager.post("/api/v1/deals", #"{"title": "Валюта", "currency": "XYZ"}"#)
        #expect(response.status == 422, "\(response.text)")
        #expect(response.fieldErrors["currency"]?.contains("XYZ") == true)
        let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Две валюты»"}"#)
        let counterparty = try await manager.create(
            "/api/v1/counterparties", #"{"client_id": \#(client), "legal_name": "ООО Две валюты", "inn": "7707083893", "kpp": "773601001"}"#
        )
        let rub = try await manager.create("/api/v1/deals", #"{"title": "В рублях", "client_id": \#(client), "amount": "1000"}"#)
        let usd = try await manager.create(
            "/api/v1/deals", #"{"title": "В долларах", "client_id": \#(client), "amount": "30", "currency": "USD"}"#)
        response = try await accountant.post(
            "/api/v1/invoices",
            #"{"deal_id": \#(usd), "counterparty_id": \#(counterparty), "number": "USD-1", "amount": "30", "currency": "RUB"}"#)
        #expect(response.status == 422 && response.fieldErrors["currency"] != nil, "read-only: the deal's: \(response.text)")
        let usdInvoice = try await accountant.create(
            "/api/v1/invoices", #"{"deal_id": \#(usd), "counterparty_id": \#(counterparty), "number": "USD-1", "amount": "30"}"#)
        #expect(try await accountant.get("/api/v1/invoices/\(usdInvoice)").string("currency") == "USD")
        _ = try await accountant.create(
            "/api/v1/invoices", #"{"deal_id": \#(rub), "counterparty_id": \#(counterparty), "number": "RUB-1", "amount": "1000"}"#)
        _ = try await accountant.create("/api/v1/payments", #"{"invoice_id": \#(usdInvoice), "amount": "10"}"#)
        response = try await director.patch("/api/v1/deals/\(usd)", #"{"currency": "EUR"}"#)
        #expect(response.status == 409, "\(response.text)")
        let card = try await manager.get("/api/v1/clients/\(client)/card")
        let amounts = (card["analytics"] as? [String: Any])?["amounts"] as? [[String: Any]] ?? []
        #expect(amounts.compactMap { $0["currency"] as? String } == ["RUB", "USD"], "\(card.text)")
        #expect(amounts.first { $0["currency"] as? String == "USD" }?["invoiced_amount"] as? String == "30.00")
        #expect(amounts.first { $0["currency"] as? String == "USD" }?["paid_amount"] as? String == "10.00")
        #expect(amounts.first { $0["currency"] as? String == "RUB" }?["invoiced_amount"] as? String == "1000.00")
        try await server.stop()
    }
}

import Foundation
import Testing

/// Deal lines carry the deal (issue 9): the amount is their sum, a line's price is the
/// product's unless given, a quantity above the stock is said.
@Suite("Deal lines", .stopsItsServers) struct DealLinesTests {
    @Test("the amount follows the lines; prices from the product; a short stock is a warning")
    func linesCarryTheDeal() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let flour = try await ownerQuery(
            server, "insert into crm.products (name, price, stock, unit) values ('Мука в/с', 32.50, 40, 'кг') returning id")[0].decode(
                Int64.self, at: 0)
        let dollars = try await ownerQuery(
            server, "insert into crm.products (name, price, currency) values ('Ваниль', 12, 'USD') returning id")[0].decode(
                Int64.self, at: 0)
        let deal = try await manager.create("/api/v1/deals", #"{"title": "Мука для пекарни", "amount": "5000"}"#)
        var response = try await manager.post("/api/v1/deal-lines", #"{"deal_id": \#(deal), "product_id": \#(flour), "quantity": "10"}"#)
        #expect(response.status == 201, "\(response.text)")
        #expect(response.string("price") == "32.50" && response.string("amount") == "325.00", "\(response.text)")
        #expect(try await manager.get("/api/v1/deals/\(deal)").string("amount") == "325.00")
        response = try await manager.post(
            "/api/v1/deal-lines", #"{"deal_id": \#(deal), "product_id": \#(flour), "quantity": "1000", "price": "30"}"#)
        #expect(response.status == 201, "\(response.text)")
        let warnings = response["warnings"] as? [[String: Any]] ?? []
        #expect(
            warnings.contains { $0["code"] as? String == "stock_short" && ($0["message"] as? String ?? "").contains("40") },
            "\(response.text)")
        let second = try #require(response.id)
        #expect(try await manager.get("/api/v1/deals/\(deal)").string("amount") == "30325.00")
        response = try await manager.patch("/api/v1/deals/\(deal)", #"{"amount": "1"}"#)
        #expect(response.status == 409, "\(response.text)")
        #expect(response.errorMessage.contains("30325.00"), "\(response.text)")
        // A product priced in another currency needs the line's price.
        response = try await manager.post("/api/v1/deal-lines", #"{"deal_id": \#(deal), "product_id": \#(dollars), "quantity": "1"}"#)
        #expect(response.status == 422 && response.fieldErrors["price"]?.contains("USD") == true, "\(response.text)")
        let director = try await APIClient.signIn(server, "director")
        #expect(try await director.call("DELETE", "/api/v1/deal-lines/\(second)").status == 204)
        #expect(try await manager.get("/api/v1/deals/\(deal)").string("amount") == "325.00")
        try await server.stop()
    }
}

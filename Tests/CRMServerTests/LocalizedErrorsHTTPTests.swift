import Foundation
import Testing

@testable import HTTPAPI

/// Error messages in the caller's language over HTTP: a manager reads Russian by default,
/// English on request, fields by their labels, never a column or constraint name alone. (The
/// catalogue's coverage of the sources: `LocalizedErrorsTests` in HTTPAPIUnitTests.)
@Suite("Error messages in the user's language, over HTTP", .stopsItsServers)
struct LocalizedErrorsHTTPTests {
    @Test("over HTTP: Russian by default with labels and codes, English by Accept-Language or by the user's setting")
    func overHTTP() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let russian = ["Accept-Language": ""]

        // A 422: the fields by their labels, each with its code; the JSON key still in `field`.
        var response = try await manager.call("POST", "/api/v1/deals", #"{"amount": "12.345"}"#, headers: russian)
        #expect(response.status == 422, "\(response.text)")
        #expect(response.errorMessage == "неверно заполнены поля: Сумма, Название", "\(response.text)")
        #expect(response.error["reason"] as? String == "validation_failed")
        let fields = try #require(response.error["fields"] as? [[String: Any]])
        let title = try #require(fields.first { $0["field"] as? String == "title" })
        #expect(
            title["label"] as? String == "Название" && title["message"] as? String == "обязательное поле"
                && title["code"] as? String == "required")
        let amount = try #require(fields.first { $0["field"] as? String == "amount" })
        #expect((amount["message"] as? String ?? "").hasPrefix("должно быть неотрицательной суммой"), "\(amount)")

        response = try await manager.call("POST", "/api/v1/deals", #"{"amount": "12.345"}"#, headers: ["Accept-Language": "en-GB,en;q=0.9"])
        #expect(response.errorMessage == "invalid fields: Amount, Title", "\(response.text)")
        #expect(response.fieldErrors["title"] == "required")

        // A rule of the database: its values kept, the words translated, the stable reason given.
        let stages = try await DealRulesAPITests.stages(manager)
        let deal = try await manager.create("/api/v1/deals", #"{"title": "Перевод сообщений"}"#)
        response = try await manager.call("PATCH", "/api/v1/deals/\(deal)", #"{"stage_id": \#(stages["negotiation"]!)}"#, headers: russian)
        #expect(response.status == 409)
        #expect(
            response.errorMessage.hasPrefix("сделку нельзя перевести из «") && response.errorMessage.contains("«Коммерческое предложение»")
                && response.errorMessage.contains("пропускать нельзя"), "\(response.text)")
        #expect(response.error["reason"] as? String == "stage_skip")
        #expect(!response.errorMessage.contains("stage"), "no English left: \(response.errorMessage)")

        // The user's own setting decides when the request names no language.
        try await ownerQuery(server, "update crm.users set locale = 'en-GB' where login = 'manager.msk'")
        response = try await manager.call("PATCH", "/api/v1/deals/\(deal)", #"{"stage_id": \#(stages["negotiation"]!)}"#, headers: russian)
        #expect(response.errorMessage.hasPrefix("the deal cannot jump from «"), "\(response.text)")
        response = try await manager.call(
            "PATCH", "/api/v1/deals/\(deal)", #"{"stage_id": \#(stages["negotiation"]!)}"#, headers: ["Accept-Language": "ru"])
        #expect(response.errorMessage.hasPrefix("сделку нельзя перевести"), "the header wins: \(response.text)")
        try await ownerQuery(server, "update crm.users set locale = 'ru-RU' where login = 'manager.msk'")

        // Not signed in and unknown paths: Russian too.
        let anonymous = try await server.request("GET", "/api/v1/deals", headers: russian)
        #expect(anonymous.status == 401 && anonymous.body.contains("вход не выполнен: токен не передан"), "\(anonymous.body)")
        response = try await manager.call("GET", "/api/v1/deals?amount.around=5", headers: russian)
        #expect(response.status == 422 && response.errorMessage == "неверно заполнены поля: Сумма (around)", "\(response.text)")
        #expect(
            (response.error["fields"] as? [[String: Any]])?.first?["message"] as? String
                == "неизвестная операция фильтра «around» для поля «Сумма»",
            "\(response.text)")
        try await server.stop()
    }

    @Test("a custom field is named by its own label; a check of the database never shows a constraint's name")
    func customFieldLabels() async throws {
        let server = try await RunningServer.start(demo: true)
        let admin = try await APIClient.signIn(server, "admin")
        let pipeline = try await admin.create("/api/v1/pipelines", #"{"name": "Проекты", "kind": "custom"}"#)
        _ = try await admin.create(
            "/api/v1/stages", #"{"pipeline_id": \#(pipeline), "code": "start", "name": "Старт", "position": 1, "kind": "open"}"#)
        _ = try await admin.create(
            "/api/v1/custom-fields",
            #"{"pipeline_id": \#(pipeline), "key": "grade", "label": "Сорт муки", "type": "enum", "options": ["высший", "первый"], "required": true}"#
        )
        let response = try await admin.call(
            "POST", "/api/v1/deals", #"{"title": "Мука", "pipeline_id": \#(pipeline), "custom_fields": {"grade": "третий"}}"#,
            headers: ["Accept-Language": ""])
        #expect(response.status == 422, "\(response.text)")
        let field = try #require((response.error["fields"] as? [[String: Any]])?.first { $0["field"] as? String == "custom_fields.grade" })
        #expect(
            field["label"] as? String == "Сорт муки" && field["message"] as? String == "допустимые значения: высший, первый", "\(field)")
        #expect(response.errorMessage == "неверно заполнены поля: Сорт муки", "\(response.text)")
        try await server.stop()
    }
}

import Foundation
import PostgresClient
import TestSupport
import Testing

/// The import of clients (issue 13) over HTTP against a real database with the demo company: a
/// dry run that counts and writes nothing, an import that creates clients with their
/// counterparties and contacts and merges duplicates (in the file and against the database),
/// the rejected rows' report, the row rules and the audit, a saved mapping, .xlsx, and a file
/// that fails whole leaving nothing behind.
@Suite("Import of clients", .serialized, .stopsItsServers)
struct ImportAPITests {
    /// Sends `body` as the file of an import.
    static func upload(_ client: APIClient, _ body: String, query: String = "", language: String = "ru") async throws -> APIResponse {
        try await client.call(
            "POST", "/api/v1/imports/clients?file_name=clients.csv\(query)", body,
            headers: ["Content-Type": "text/csv", "Accept-Language": language])
    }

    static func counts(_ response: APIResponse) -> [String: Int] {
        (response["counts"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    static func count(_ server: RunningServer, _ query: PostgresQuery) async throws -> Int64 {
        try await ownerQuery(server, query)[0].decode(Int64.self, at: 0)
    }

    /// Clients, counterparties and contacts of the database, in all.
    static func totals(_ server: RunningServer) async throws -> [Int64] {
        let row = try await ownerQuery(
            server,
            "select (select count(*) from crm.clients), (select count(*) from crm.counterparties), (select count(*) from crm.contacts)")
        return [try row[0].decode(Int64.self, at: 0), try row[0].decode(Int64.self, at: 1), try row[0].decode(Int64.self, at: 2)]
    }

    static let file = """
        Наименование;ИНН;КПП;Город;Контактное лицо;Телефон;E-mail;Вид;Комментарий
        ООО «Импорт Альфа»;7728168971;772801001;Moscow;Иванов Иван;+7 (3952) 98-76-01;Ivanov@Alfa-Import.ru;Покупатель;первая строка
        "ООО ""Импорт Альфа"" (дубль)";7728168971;772801001;Moscow;Петров Пётр;8 3952 98-76-02;petrov@alfa-import.ru;;
        ООО «Импорт Альфа»;7728168971;772801001;Moscow;Иванов Иван;8 (3952) 98-76-01;;;тот же контакт
        ИП Сидорова Анна;500100732259;;Moscow;Сидорова Анна;8 3952 98-76-03;;поставщик;
        Импорт Без ИНН;;;Moscow;;;info@bez-inn-import.ru;;
        Плохой ИНН;1234567890;;Moscow;;;;;
        Неизвестный город;;;Урюпинск;;;;;
        Неверный телефон;;;Moscow;Кто-то;12-34;;;
        "Без ИНН, импорт";;;Moscow;Орлова Ольга;+7 3952 98-76-04;;;

        """

    @Test("dry run counts and writes nothing; the import creates, merges duplicates, rejects with reasons; a second run only merges")
    func importClients() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let before = try await Self.totals(server)

        let dry = try await Self.upload(manager, Self.file, query: "&dry_run=true")
        #expect(dry.status == 200, "\(dry.text)")
        #expect(dry.string("status") == "done" && dry["dry_run"] as? Bool == true)
        let expected = [
            "rows": 9, "created": 3, "merged": 3, "rejected": 3, "counterparties_created": 2, "contacts_created": 5,
            "contacts_skipped": 1,
        ]
        #expect(Self.counts(dry) == expected, "\(dry.text)")
        #expect(try await Self.totals(server) == before, "a dry run writes nothing")

        let stream = try await EventStreamClient.connect(server, token: manager.token)
        let done = try await Self.upload(manager, Self.file)
        #expect(done.status == 200 && done.string("status") == "done", "\(done.text)")
        #expect(Self.counts(done) == expected, "\(done.text)")
        let importID = try #require(done.id)
        #expect(try await Self.totals(server) == [before[0] + 3, before[1] + 2, before[2] + 5])
        // Told over the event stream: progress while it runs (when it runs long enough), then its end.
        var finished: EventStreamClient.Event?
        while finished == nil, let event = try await stream.nextEvent() {
            if event.event == "import_finished" {
                finished = event
            } else {
                #expect(event.event == "import_progress" && event.payloadID("import_id") == importID, "\(event.data)")
            }
        }
        #expect(finished?.payloadID("import_id") == importID && finished?.payload["status"] as? String == "done")
        #expect((finished?.payload["counts"] as? [String: Any])?["created"] as? NSNumber == 3, "\(finished?.data ?? "")")
        #expect((finished?.payload["rows_read"] as? NSNumber) == 9)
        stream.socket.disconnect()

        // What was written: one client of the company with both its people, values normalised,
        // owned by the manager who imported.
        let alfa = try await ownerQuery(
            server,
            """
            select c.name, c.kind, t.name, u.login, k.inn, k.kpp, c.notes,
                   (select string_agg(x.name || ' ' || array_to_string(x.phones, ',') || ' ' || array_to_string(x.emails, ','), ' | ' order by x.id)
                      from crm.contacts x where x.client_id = c.id)
              from crm.clients c join crm.counterparties k on k.client_id = c.id join crm.territories t on t.id = c.territory_id
              join crm.users u on u.id = c.owner_id
             where k.inn = '7728168971'
            """)
        #expect(alfa.count == 1)
        let row = try alfa.map { try $0.decode((String, String, String, String, String, String, String, String).self) }.first
        #expect(row?.0 == "ООО «Импорт Альфа»" && row?.1 == "customer" && row?.2 == "Moscow" && row?.3 == "manager.msk")
        #expect(row?.4 == "7728168971" && row?.5 == "772801001" && row?.6 == "первая строка")
        #expect(
            row?.7 == "Иванов Иван +73952987601 ivanov@alfa-import.ru | Петров Пётр +73952987602 petrov@alfa-import.ru",
            "\(String(describing: row))")
        let supplier = try await ownerQuery(
            server, "select c.kind from crm.clients c join crm.counterparties k on k.client_id = c.id where k.inn = '500100732259'")
        #expect(try supplier.first?.decode(String.self, at: 0) == "supplier")

        // The rejected rows, as CSV for Excel: the file's own headings, the reasons in Russian.
        let report = try await manager.call("GET", "/api/v1/imports/\(importID)/rejected", headers: ["Accept-Language": "ru"])
        #expect(report.status == 200 && report.headers["content-type"] == "text/csv; charset=utf-8")
        let lines = report.text.dropFirst().split(separator: "\r\n").map(String.init)
        #expect(
            lines == [
                "Строка;Столбец;Значение;Причина", "7;ИНН;1234567890;ИНН: неверная контрольная цифра (опечатка?)",
                "8;Город;Урюпинск;нет территории «Урюпинск»", "9;Телефон;12-34;не номер телефона",
            ], "\(report.text)")

        // The audit: the batch (who, the counts), and each written row by the database.
        let batch = try await ownerQuery(
            server,
            """
            select u.login, (l.details -> 'counts' ->> 'created')::int, l.details ->> 'file_name' from audit.log l
              join crm.users u on u.id = l.user_id where l.action = 'import' and not (l.details ->> 'dry_run')::boolean
            """)
        #expect(
            try batch.map { try $0.decode((String, Int, String).self) }.first.map { [$0.0, "\($0.1)", $0.2] } == [
                "manager.msk", "3", "clients.csv",
            ])
        #expect(
            try await Self.count(
                server,
                "select count(*) from audit.log where action = 'insert' and table_name = 'crm.clients' and row_id in (select id from crm.clients where name like '%Импорт%' or name like 'ИП Сидорова%')"
            )
                == 3)

        // The same file again: everything is found, nothing is added.
        let again = try await Self.upload(manager, Self.file)
        #expect(
            Self.counts(again) == [
                "rows": 9, "created": 0, "merged": 6, "rejected": 3, "counterparties_created": 0, "contacts_created": 0,
                "contacts_skipped": 6,
            ], "\(again.text)")
        #expect(try await Self.totals(server) == [before[0] + 3, before[1] + 2, before[2] + 5])

        // The list and one import, only the caller's own.
        let list = try await manager.get("/api/v1/imports")
        #expect(list.items.count == 3 && list.items.first?["id"] as? NSNumber == NSNumber(value: again.id ?? 0))
        let other = try await APIClient.signIn(server, "manager.spb")
        #expect(try await other.get("/api/v1/imports/\(importID)").status == 404)
        #expect(try await other.call("GET", "/api/v1/imports/\(importID)/rejected").status == 404)
        #expect(try await other.get("/api/v1/imports").items.isEmpty)
        try await server.stop()
    }

    @Test("the row rules: a role without the right is refused before the file; a role creating by territory only there")
    func rowRules() async throws {
        let server = try await RunningServer.start(demo: true)
        let accountant = try await APIClient.signIn(server, "accountant")
        let refused = try await Self.upload(accountant, Self.file)
        #expect(refused.status == 403 && refused.errorMessage == "вашей роли не разрешено создавать клиентов", "\(refused.text)")
        // A head of sales creating clients by territory (made so here): Moscow yes, Kazan no.
        _ = try await ownerQuery(
            server,
            """
            update crm.role_permissions set scope = 'territory' where entity = 'client' and action = 'create'
               and role_id = (select role_id from crm.users where login = 'manager.msk')
            """)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let csv = "Наименование;Город\nТерритория Москва;Moscow\nТерритория Казань;Kazan\nБез города;\n"
        let answer = try await Self.upload(manager, csv, language: "en")
        #expect(Self.counts(answer)["created"] == 1 && Self.counts(answer)["rejected"] == 2, "\(answer.text)")
        let report = try await manager.call("GET", "/api/v1/imports/\(answer.id ?? 0)/rejected", headers: ["Accept-Language": "en"])
        #expect(report.text.contains("3;Город;Kazan;your role may not create clients in «Kazan»"), "\(report.text)")
        #expect(report.text.contains("4;Город;;name a city: your role creates clients only in its territories"), "\(report.text)")
        #expect(try await Self.count(server, "select count(*) from crm.clients where name like 'Территория%' or name = 'Без города'") == 1)
        try await server.stop()
    }

    @Test("a saved mapping names the columns of a file with other headings; wrong columns are refused by name")
    func mappings() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let saved = try await manager.post(
            "/api/v1/import-mappings", #"{"name": "Выгрузка 1С", "columns": {"name": "Контрагент", "phone": "Тел. моб."}}"#)
        #expect(saved.status == 201, "\(saved.text)")
        let mappingID = try #require(saved.id)
        let csv = "Контрагент,Тел. моб.\nСопоставленный клиент,+7 916 555-44-33\n"
        let plain = try await Self.upload(manager, csv)
        #expect(plain.status == 422 && plain.fieldErrors["columns.name"] != nil, "\(plain.text)")
        let mapped = try await Self.upload(manager, csv, query: "&mapping_id=\(mappingID)")
        #expect(mapped.status == 200 && Self.counts(mapped)["created"] == 1, "\(mapped.text)")
        #expect(
            try await Self.count(
                server,
                "select count(*) from crm.contacts x join crm.clients c on c.id = x.client_id where c.name = 'Сопоставленный клиент' and x.phones = '{+79165554433}'"
            ) == 1)
        // Replaced under the same name, listed, deleted; others do not see it.
        let replaced = try await manager.post("/api/v1/import-mappings", #"{"name": "выгрузка 1с", "columns": {"name": "Клиент"}}"#)
        #expect(replaced.id == mappingID)
        #expect(try await manager.get("/api/v1/import-mappings").items.count == 1)
        let other = try await APIClient.signIn(server, "manager.spb")
        #expect(try await Self.upload(other, csv, query: "&mapping_id=\(mappingID)").status == 404)
        #expect(try await other.call("DELETE", "/api/v1/import-mappings/\(mappingID)").status == 404)
        #expect(try await manager.call("DELETE", "/api/v1/import-mappings/\(mappingID)").status == 204)
        // Columns given with the request: an unknown field and a heading not in the file, each named.
        let columns = urlQuery(#"{"name": "Контрагент", "colour": "Цвет", "email": "Почта"}"#)
        let wrong = try await Self.upload(manager, csv, query: "&columns=\(columns)", language: "en")
        #expect(wrong.status == 422, "\(wrong.text)")
        #expect(wrong.fieldErrors["columns.colour"] == "is not a field of a client row")
        #expect(wrong.fieldErrors["columns.email"] == "the file has no column headed «Почта»")
        try await server.stop()
    }

    @Test("files that cannot be read fail whole, recorded with the reason, nothing written: broken .xlsx, bad UTF-8, empty")
    func brokenFiles() async throws {
        let server = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(server, "manager.msk")
        let before = try await Self.totals(server)
        let zip = try await BinaryHTTP.exchange(
            server, "POST", "/api/v1/imports/clients", token: manager.token, body: [0x50, 0x4B, 0x03, 0x04] + Array("garbage".utf8),
            contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        #expect(
            zip.status == 422 && String(decoding: zip.body, as: UTF8.self).contains("xlsx"), "\(String(decoding: zip.body, as: UTF8.self))")
        // UTF-8 at the start, broken later (past the first megabyte the encoding is told from).
        var bytes = Array("Наименование\n".utf8)
        while bytes.count < (1 << 20) + 10 { bytes += Array("Клиент номер один\n".utf8) }
        bytes += [0xC0, 0x0A]
        let utf8 = try await BinaryHTTP.exchange(
            server, "POST", "/api/v1/imports/clients", token: manager.token, body: bytes, contentType: "text/csv")
        #expect(utf8.status == 422, "\(String(decoding: utf8.body, as: UTF8.self))")
        let empty = try await BinaryHTTP.exchange(
            server, "POST", "/api/v1/imports/clients", token: manager.token, body: [], contentType: "text/csv")
        #expect(empty.status == 422)
        #expect(try await Self.totals(server) == before)
        let list = try await manager.get("/api/v1/imports")
        let failed = list.items.filter { $0["status"] as? String == "failed" }
        #expect(failed.count == 1 && (failed.first?["error"] as? String)?.contains("UTF-8") == true, "\(list.text)")
        // An import with neither a result nor an error whose transaction no longer runs (the server
        // stopped) is failed, said to be interrupted.
        let stopped = try await Self.count(
            server,
            """
            insert into crm_private.imports (user_id, kind, format, dry_run)
            select id, 'clients', 'csv', false from crm.users where login = 'manager.msk' returning id
            """)
        let interrupted = try await manager.get("/api/v1/imports/\(stopped)")
        #expect(
            interrupted.string("status") == "failed" && interrupted.string("error")?.hasPrefix("interrupted") == true, "\(interrupted.text)"
        )
        try await server.stop()
    }

    @Test(".xlsx: a workbook the server exported is read back; its rows are found as the clients they are")
    func xlsxRoundTrip() async throws {
        let server = try await RunningServer.start(demo: true)
        let director = try await APIClient.signIn(server, "director")
        let export = try await BinaryHTTP.exchange(server, "GET", "/api/v1/clients/export?format=xlsx&sort=id", token: director.token)
        #expect(export.status == 200)
        let clients = try await Self.count(server, "select count(*) from crm.clients")
        let columns = urlQuery(#"{"name": "Наименование", "notes": "Примечание"}"#)
        let answer = try await BinaryHTTP.exchange(
            server, "POST", "/api/v1/imports/clients?dry_run=true&columns=\(columns)", token: director.token, body: export.body,
            contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        let json = JSON.object(String(decoding: answer.body, as: UTF8.self))
        #expect(json["format"] as? String == "xlsx", "\(json)")
        let counts = json["counts"] as? [String: Any] ?? [:]
        #expect((counts["rows"] as? NSNumber)?.int64Value == clients && (counts["merged"] as? NSNumber)?.int64Value == clients, "\(counts)")
        try await server.stop()
    }
}

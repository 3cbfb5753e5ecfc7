import Credentials
import Foundation
import HTTPAPI
import PostgresClient
import Testing

/// Webhooks in: leads from web forms and calls from phone systems, authenticated by an
/// integration's token, stored before they are acknowledged, idempotent per event_id.
@Suite("Inbound webhooks: leads and calls", .serialized, .stopsItsServers)
struct InboundWebhookTests {
    /// An integration created through the API by `admin`; its token (shown once).
    static func integration(
        _ server: RunningServer, name: String, kind: String, responsible: String
    ) async throws
        -> (id: Int64, token: String)
    {
        let admin = try await APIClient.signIn(server, "admin")
        let user = try await userID(server, responsible)
        let response = try await admin.post(
            "/api/v1/integrations", #"{"name": "\#(name)", "kind": "\#(kind)", "responsible_id": \#(user)}"#)
        guard response.status == 201, let id = response.id, let token = response.string("token") else {
            throw TestFailure("POST /api/v1/integrations: \(response.status) \(response.text)")
        }
        return (id, token)
    }

    static func userID(_ server: RunningServer, _ login: String) async throws -> Int64 {
        try await ownerQuery(server, "select id from crm.users where login = \(login)")[0].decode(Int64.self, at: 0)
    }

    static func count(_ server: RunningServer, _ query: PostgresQuery) async throws -> Int64 {
        try await ownerQuery(server, query)[0].decode(Int64.self, at: 0)
    }

    /// Waits (up to `seconds`) until `condition` holds.
    static func eventually(_ seconds: Double = 15, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await condition()
    }

    @Test("phones in Russian formats normalise to +7XXXXXXXXXX, in Swift and in SQL alike; e-mails trim and lower-case")
    func normalisation() async throws {
        let cases: [(String, String?)] = [
            ("8 (495) 123-45-67", "+74951234567"), ("+7 495 123-45-67", "+74951234567"), ("+7(495)1234567", "+74951234567"),
            ("84951234567", "+74951234567"), ("74951234567", "+74951234567"), ("(495) 123-45-67", "+74951234567"),
            ("  8-916-555-12-34 ", "+79165551234"), ("9165551234", "+79165551234"), ("+44 20 7946 0958", "+442079460958"),
            ("+7 495 123", nil), ("123-45", nil), ("8 495 123 45 67 доб. 5", nil), ("phone", nil), ("", nil), ("+", nil),
            ("+8 495 123 45 67", "+84951234567"), ("8 (495) 123-45-678", nil),
        ]
        for (input, expected) in cases {
            #expect(PhoneNumber.normalized(input) == expected, "\(input)")
        }
        let server = try await RunningServer.start()
        for (input, expected) in cases {
            let sql = try await ownerQuery(server, "select crm_private.normalize_phone(\(input))")[0].decode(String?.self, at: 0)
            #expect(sql == expected, "SQL: \(input)")
        }
        try await server.stop()
        #expect(EmailAddress.normalized("  Petr@Example.RU ") == "petr@example.ru")
        #expect(EmailAddress.normalized("not-an-email") == nil)
        #expect(EmailAddress.normalized("a@b") == nil)
    }

    @Test("a lead sent twice makes one deal, one task, one notification; the answer is the same")
    func leadTwice() async throws {
        let server = try await RunningServer.start(demo: true)
        let (_, token) = try await Self.integration(server, name: "Сайт", kind: "web_form", responsible: "manager.msk")
        let body = """
            {"event_id": "form-1", "name": "Пётр Лидов", "phone": "+7 (916) 555-12-34", "email": " Petr@Example.RU ",
             "comment": "Нужна мука, 2 тонны", "source": "Сайт",
             "utm": {"source": "yandex", "medium": "cpc", "campaign": "flour", "content": "banner", "term": "мука"}}
            """
        let first = try await server.call("POST", "/api/v1/inbound/leads", token: token, body: body)
        #expect(first.status == 200, "\(first.body)")
        let answer = JSON.object(first.body)
        #expect(answer["status"] as? String == "processed")
        #expect(answer["event_id"] as? String == "form-1")
        let second = try await server.call("POST", "/api/v1/inbound/leads", token: token, body: body)
        #expect(second.status == 200)
        #expect(second.body == first.body, "a repeated event gets the same answer")
        #expect(second.headers["idempotent-replayed"] == "true")

        let manager = try await Self.userID(server, "manager.msk")
        #expect(try await Self.count(server, "select count(*) from crm_private.inbound_events") == 1)
        let deals = try await ownerQuery(
            server, "select id, client_id, responsible_id, source_id from crm.deals where title = 'Заявка: Пётр Лидов'")
        #expect(deals.count == 1, "one deal")
        let (deal, client, responsible, source) = try deals[0].decode((Int64, Int64?, Int64?, Int64?).self)
        #expect(client == nil, "an unknown person: a lead without a client")
        #expect(responsible == manager, "the integration's default responsible")
        let siteSource = try await ownerQuery(server, "select id from crm.sources where name = 'Сайт'")[0].decode(Int64.self, at: 0)
        #expect(source == siteSource, "the source named by the form")
        #expect(
            try await Self.count(
                server,
                "select count(*) from crm.tasks where deal_id = \(deal) and title = 'Обработать заявку' and assignee_id = \(manager)") == 1)
        #expect(try await Self.count(server, "select count(*) from crm.tasks where title = 'Обработать заявку'") == 1, "one task")
        #expect(
            try await Self.count(server, "select count(*) from crm.notifications where user_id = \(manager) and kind = 'lead_arrived'") == 1
        )
        #expect(try await Self.count(server, "select count(*) from crm_private.events where kind = 'lead_arrived'") == 1)
        let summary = try await ownerQuery(server, "select summary from crm.interactions where deal_id = \(deal)")[0].decode(
            String.self, at: 0)
        #expect(summary.contains("+79165551234") && summary.contains("petr@example.ru") && summary.contains("campaign=flour"), "\(summary)")

        // The responsible user sees the lead under the ordinary rules, in the default pipeline.
        let asManager = try await APIClient.signIn(server, "manager.msk")
        let seen = try await asManager.get("/api/v1/deals/\(deal)")
        #expect(seen.status == 200, "\(seen.text)")
        let pipeline = try await ownerQuery(server, "select id from crm.pipelines where is_default")[0].decode(Int64.self, at: 0)
        #expect(seen.int("pipeline_id") == pipeline)
        // The audit log names the integration that wrote the rows.
        let audit = try await ownerQuery(
            server,
            """
            select details -> 'integration' ->> 'name' from audit.log where table_name = 'crm.deals' and row_id = \(deal) and action = 'insert'
            """)
        #expect(try audit[0].decode(String?.self, at: 0) == "Сайт")
        try await server.stop()
    }

    @Test("a malformed event gets 422 naming every bad field and changes nothing; an unknown token gets 401")
    func malformed() async throws {
        let server = try await RunningServer.start(demo: true)
        let (_, token) = try await Self.integration(server, name: "Форма", kind: "web_form", responsible: "manager.msk")
        let (_, phoneToken) = try await Self.integration(server, name: "АТС", kind: "phone_system", responsible: "manager.msk")
        let before = try await Self.count(
            server,
            "select (select count(*) from crm.deals) + (select count(*) from crm.tasks) + (select count(*) from crm_private.inbound_events)"
        )
        let bad = #"{"event_id": "", "name": 5, "phone": "позвоните мне", "email": "not-an-email", "utm": {"source": 1}, "comment": "ok"}"#
        let response = APIResponse(try await server.call("POST", "/api/v1/inbound/leads", token: token, body: bad))
        #expect(response.status == 422, "\(response.text)")
        #expect(Set(response.fieldErrors.keys) == ["event_id", "name", "phone", "email", "utm.source"], "\(response.fieldErrors)")
        let noContact = APIResponse(try await server.call("POST", "/api/v1/inbound/leads", token: token, body: #"{"event_id": "x"}"#))
        #expect(noContact.status == 422 && noContact.fieldErrors["phone"] != nil, "a phone or an e-mail is required")
        let badCall = APIResponse(
            try await server.call(
                "POST", "/api/v1/inbound/calls", token: phoneToken,
                body: """
                    {"event_id": 17, "type": "dropped", "number": "12", "duration_seconds": -1, "recording_url": "ftp://x", "occurred_at": "yesterday"}
                    """))
        #expect(badCall.status == 422)
        #expect(
            Set(badCall.fieldErrors.keys) == ["type", "number", "duration_seconds", "recording_url", "occurred_at"],
            "\(badCall.fieldErrors)")
        let notJSON = try await server.call("POST", "/api/v1/inbound/leads", token: token, body: "{")
        #expect(notJSON.status == 400)

        let good = #"{"event_id": "ok-1", "phone": "+7 916 000-00-00"}"#
        #expect(try await server.call("POST", "/api/v1/inbound/leads", token: "crm_i_unknown", body: good).status == 401)
        #expect(
            try await server.call("POST", "/api/v1/inbound/leads", token: "crm_i_unknown", body: bad).status == 401,
            "401 before 422")
        #expect(try await server.call("POST", "/api/v1/inbound/leads", token: nil, body: good).status == 401)
        let managerToken = try await server.token("manager.msk")
        #expect(
            try await server.call("POST", "/api/v1/inbound/leads", token: managerToken, body: good).status == 401,
            "a user session is not an integration token")
        #expect(
            try await server.call(
                "POST", "/api/v1/inbound/calls", token: token, body: #"{"event_id": "c", "type": "missed", "number": "+74950000000"}"#
            ).status == 403,
            "a web form does not post calls")
        let after = try await Self.count(
            server,
            "select (select count(*) from crm.deals) + (select count(*) from crm.tasks) + (select count(*) from crm_private.inbound_events)"
        )
        #expect(after == before, "nothing stored or changed")

        // The same event_id with other content is refused.
        #expect(try await server.call("POST", "/api/v1/inbound/leads", token: token, body: good).status == 200)
        #expect(
            try await server.call(
                "POST", "/api/v1/inbound/leads", token: token, body: #"{"event_id": "ok-1", "phone": "+7 916 000-00-01"}"#
            ).status == 409)
        // A disabled integration's token is refused.
        let admin = try await APIClient.signIn(server, "admin")
        let integrations = try await admin.get("/api/v1/integrations")
        #expect(integrations.items.count == 2)
        #expect(integrations.items.allSatisfy { $0["token_hash"] == nil && $0["token"] == nil }, "the token is shown only once")
        let form = integrations.items.first { $0["name"] as? String == "Форма" }
        let formID = (form?["id"] as? NSNumber)?.int64Value ?? 0
        #expect(try await admin.patch("/api/v1/integrations/\(formID)", #"{"active": false}"#).status == 200)
        #expect(
            try await server.call("POST", "/api/v1/inbound/leads", token: token, body: #"{"event_id": "ok-2", "phone": "+79160000002"}"#)
                .status == 401)
        // Only administrators manage integrations.
        let manager = try await APIClient.signIn(server, "manager.msk")
        #expect(
            try await manager.post("/api/v1/integrations", #"{"name": "Чужая", "kind": "web_form", "responsible_id": 1}"#).status == 403)
        #expect(try await manager.get("/api/v1/integrations").items.isEmpty)
        try await server.stop()
    }

    @Test("a missed call from a contact's phone written differently matches the client: a call and «Перезвонить» for its responsible")
    func missedCallFromKnownContact() async throws {
        let server = try await RunningServer.start(demo: true)
        // The integration's default responsible is head.msk; the client's responsible is manager.msk.
        let (_, token) = try await Self.integration(server, name: "АТС", kind: "phone_system", responsible: "head.msk")
        let manager = try await APIClient.signIn(server, "manager.msk")
        let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Звонящий»"}"#)
        let contact = try await manager.create(
            "/api/v1/contacts", #"{"client_id": \#(client), "name": "Иван Звонов", "phones": ["+7 495 123-45-67"]}"#)
        let managerID = try await Self.userID(server, "manager.msk")
        let dealsBefore = try await Self.count(server, "select count(*) from crm.deals")

        let missed = try await server.call(
            "POST", "/api/v1/inbound/calls", token: token,
            body: """
                {"event_id": "call-1", "type": "missed", "number": "8 (495) 123-45-67", "duration_seconds": 0, "occurred_at": "2026-11-23T10:00:00+03:00"}
                """)
        #expect(missed.status == 200, "\(missed.body)")
        let calls = try await ownerQuery(
            server,
            "select client_id, contact_id, kind, direction, occurred_at = '2026-11-23T07:00:00Z' from crm.interactions where client_id = \(client)"
        )
        #expect(calls.count == 1)
        let (callClient, callContact, kind, direction, onTime) = try calls[0].decode((Int64?, Int64?, String, String, Bool).self)
        #expect(callClient == client && callContact == contact && kind == "call" && direction == "inbound" && onTime)
        let tasks = try await ownerQuery(server, "select assignee_id from crm.tasks where client_id = \(client) and title = 'Перезвонить'")
        #expect(tasks.count == 1)
        #expect(try tasks[0].decode(Int64.self, at: 0) == managerID, "the client's responsible, not the integration's default")
        #expect(
            try await Self.count(server, "select count(*) from crm.notifications where user_id = \(managerID) and kind = 'call_missed'")
                == 1)
        #expect(try await Self.count(server, "select count(*) from crm.deals") == dealsBefore, "a known client: no new deal")
        // The manager sees the task under the ordinary rules.
        #expect(try await manager.get("/api/v1/tasks?client_id=\(client)").items.contains { $0["title"] as? String == "Перезвонить" })

        // A finished call: the duration and the recording link; no task.
        let finished = try await server.call(
            "POST", "/api/v1/inbound/calls", token: token,
            body: """
                {"event_id": "call-2", "type": "finished", "number": "+7 (495) 1234567", "duration_seconds": 125,
                 "recording_url": "https://pbx.example/rec/2.mp3"}
                """)
        #expect(finished.status == 200)
        let record = try await ownerQuery(
            server, "select duration_seconds, summary from crm.interactions where client_id = \(client) and duration_seconds = 125")
        #expect(record.count == 1)
        #expect(try record[0].decode(String.self, at: 1).contains("https://pbx.example/rec/2.mp3"))
        #expect(try await Self.count(server, "select count(*) from crm.tasks where client_id = \(client)") == 1)
        try await server.stop()
    }

    @Test("a lead from a known contact's e-mail (another spelling) opens a new deal on that client for its responsible")
    func leadFromKnownContact() async throws {
        let server = try await RunningServer.start(demo: true)
        let (_, token) = try await Self.integration(server, name: "Сайт", kind: "web_form", responsible: "head.msk")
        let manager = try await APIClient.signIn(server, "manager.msk")
        let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Почтовый»"}"#)
        let contact = try await manager.create(
            "/api/v1/contacts", #"{"client_id": \#(client), "name": "Ольга Письмова", "emails": ["Olga@Pochta.example"]}"#)
        let response = try await server.call(
            "POST", "/api/v1/inbound/leads", token: token,
            body: """
                {"event_id": "form-7", "name": "Ольга", "email": "  OLGA@pochta.EXAMPLE ", "comment": "Повторный заказ"}
                """)
        #expect(response.status == 200, "\(response.body)")
        let managerID = try await Self.userID(server, "manager.msk")
        let deals = try await ownerQuery(server, "select id, responsible_id from crm.deals where client_id = \(client)")
        #expect(deals.count == 1)
        let (deal, responsible) = try deals[0].decode((Int64, Int64?).self)
        #expect(responsible == managerID, "the client's responsible")
        #expect(
            try await Self.count(
                server,
                "select count(*) from crm.interactions where client_id = \(client) and deal_id = \(deal) and contact_id = \(contact)") == 1)
        #expect(
            try await Self.count(
                server,
                "select count(*) from crm.tasks where deal_id = \(deal) and title = 'Обработать заявку' and assignee_id = \(managerID)")
                == 1)
        #expect(try await manager.get("/api/v1/deals/\(deal)").status == 200)
        try await server.stop()
    }

    @Test("a call from an unknown number creates a lead deal without a client for the integration's responsible")
    func unknownNumber() async throws {
        let server = try await RunningServer.start(demo: true)
        let (_, token) = try await Self.integration(server, name: "АТС", kind: "phone_system", responsible: "head.msk")
        let response = try await server.call(
            "POST", "/api/v1/inbound/calls", token: token,
            body: """
                {"event_id": "call-9", "type": "missed", "number": "+7 912 000-00-01"}
                """)
        #expect(response.status == 200, "\(response.body)")
        let head = try await Self.userID(server, "head.msk")
        let deals = try await ownerQuery(
            server, "select id, client_id, responsible_id from crm.deals where title = 'Звонок с +79120000001'")
        #expect(deals.count == 1)
        let (deal, client, responsible) = try deals[0].decode((Int64, Int64?, Int64?).self)
        #expect(client == nil && responsible == head)
        #expect(try await Self.count(server, "select count(*) from crm.interactions where deal_id = \(deal) and kind = 'call'") == 1)
        #expect(
            try await Self.count(
                server, "select count(*) from crm.tasks where deal_id = \(deal) and title = 'Перезвонить' and assignee_id = \(head)") == 1)
        // The next call from that number joins its open lead instead of opening another.
        let again = try await server.call(
            "POST", "/api/v1/inbound/calls", token: token,
            body: """
                {"event_id": "call-10", "type": "finished", "number": "8 912 000 00 01", "duration_seconds": 40}
                """)
        #expect(again.status == 200)
        #expect(try await Self.count(server, "select count(*) from crm.deals where title = 'Звонок с +79120000001'") == 1)
        #expect(try await Self.count(server, "select count(*) from crm.interactions where deal_id = \(deal) and kind = 'call'") == 2)
        try await server.stop()
    }

    @Test("an event stored but not processed (a crash between the transactions, a failed processing) is processed by the retry service")
    func retry() async throws {
        let server = try await RunningServer.start(demo: true)
        let (_, token) = try await Self.integration(server, name: "Сайт", kind: "web_form", responsible: "manager.msk")

        // A crash after the first transaction: the event is stored, nothing else happened.
        let hash = BearerToken(text: token).hash
        let payload = #"{"event_id": "crash-1", "name": "Анна Сбоева", "phone": "+79160001122"}"#
        let stored = try await ownerQuery(
            server,
            """
            select outcome, inbound_id from crm_api.inbound_receive(\(hash)::bytea, 'lead', 'crash-1', \(payload)::jsonb, \(payload))
            """)
        #expect(try stored[0].decode(String.self, at: 0) == "stored")
        #expect(
            try await Self.eventually {
                try await Self.count(
                    server, "select count(*) from crm_private.inbound_events where event_id = 'crash-1' and status = 'processed'") == 1
            }, "the retry service processed it")
        #expect(try await Self.count(server, "select count(*) from crm.deals where title = 'Заявка: Анна Сбоева'") == 1)

        // Processing fails (a rule of the database refuses the task): stored, answered 202, retried.
        try await ownerQuery(
            server, "alter table crm.tasks add constraint inbound_test_block check (title <> 'Обработать заявку') not valid")
        let body = #"{"event_id": "fail-1", "name": "Олег Повторов", "email": "oleg@example.ru"}"#
        let accepted = try await server.call("POST", "/api/v1/inbound/leads", token: token, body: body)
        #expect(accepted.status == 202, "\(accepted.body)")
        #expect(JSON.object(accepted.body)["status"] as? String == "accepted")
        let failed = try await ownerQuery(
            server, "select status, attempts, last_error from crm_private.inbound_events where event_id = 'fail-1'")
        let (status, attempts, error) = try failed[0].decode((String, Int32, String?).self)
        #expect(status == "received" && attempts >= 1 && error != nil)
        #expect(
            try await Self.count(server, "select count(*) from crm.deals where title = 'Заявка: Олег Повторов'") == 0,
            "the failed attempt rolled back")
        try await ownerQuery(server, "alter table crm.tasks drop constraint inbound_test_block")
        #expect(
            try await Self.eventually {
                try await Self.count(
                    server, "select count(*) from crm_private.inbound_events where event_id = 'fail-1' and status = 'processed'") == 1
            }, "the retry service processed it after the back-off")
        let repeated = try await server.call("POST", "/api/v1/inbound/leads", token: token, body: body)
        #expect(repeated.status == 200 && JSON.object(repeated.body)["status"] as? String == "processed")
        #expect(try await Self.count(server, "select count(*) from crm.deals where title = 'Заявка: Олег Повторов'") == 1)
        #expect(try await Self.count(server, "select count(*) from crm.tasks where title = 'Обработать заявку'") == 2)
        try await server.stop()
    }
}

import CRMServer
import Credentials
import Foundation
import Mail
import NIOPosix
import PostgresClient
import TestSupport
import Testing

/// E-mail from a deal and the client card over real sockets, delivered by the sender service
/// to a real SMTP server (aiosmtpd, started by the test): what arrived (recipients, the Russian
/// subject and body decoded, the attached PDF's bytes), the status on the letter and the card,
/// the row rules, a refusal recorded with its reason and retried, a permanent refusal failed at
/// once, and restarts and two servers on one database sending nothing twice and losing nothing.
@Suite("E-mail", .serialized)
struct EmailAPITests {
    /// A stand-in for Chromium (no browser needed here): writes a small PDF holding the page.
    static func fakeConverter() throws -> String {
        let path = TemporaryPaths.path("crm-fake-chromium-")
        let script = """
            #!/bin/sh
            for a in "$@"; do
              case "$a" in
                --print-to-pdf=*) out="${a#--print-to-pdf=}" ;;
                file://*) page="${a#file://}" ;;
              esac
            done
            { printf '%%PDF-1.4\\n%% test PDF of the CRM e-mail tests\\n'; cat "$page"; printf '\\n%%%%EOF\\n'; } > "$out"
            """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    static func settings(_ smtp: SMTPTestServer) throws -> MailSettings {
        var settings = MailSettings(
            smtp: SMTPConfiguration(host: "127.0.0.1", port: smtp.port, security: .none, timeout: .seconds(10)),
            from: try MailAddress(parsing: "ООО «Ингредиенты Плюс» <sales@ingredients.ru>"))
        settings.scanInterval = .milliseconds(200)
        settings.backoffBase = .seconds(1)
        settings.backoffCap = .seconds(2)
        settings.maxAttempts = 5
        settings.lease = .seconds(30)
        return settings
    }

    /// A deal of manager.msk with an invoice document and three contacts (two with addresses).
    static func dealWithInvoice(_ server: RunningServer) async throws -> (deal: Int64, client: Int64, document: Int64, pdf: Int64) {
        try await DocumentsAPITests.setUpCompany(server)
        let (deal, client) = try await DocumentsAPITests.makeDeal(
            server, client: "ООО «Хлебозавод № 5»",
            lines: [
                ("Мука пшеничная высшего сорта", "1000", "1000.00"), ("Сахар-песок", "200", "1000.00"),
            ])
        let manager = try await APIClient.signIn(server, "manager.msk")
        _ = try await manager.create(
            "/api/v1/contacts", #"{"client_id": \#(client), "name": "Пётр Петров", "emails": ["petrov@hlebozavod5.ru"]}"#)
        _ = try await manager.create(
            "/api/v1/contacts",
            #"{"client_id": \#(client), "name": "Бухгалтерия", "emails": ["buh@hlebozavod5.ru", "second@hlebozavod5.ru"]}"#)
        _ = try await manager.create("/api/v1/contacts", #"{"client_id": \#(client), "name": "Охрана", "phones": ["+7 495 000-00-00"]}"#)
        let invoice = try await DocumentsAPITests.templateID(server, "invoice")
        let made = try await BinaryHTTP.makeDocument(manager, deal: deal, #"{"template_id": \#(invoice), "vat_rate": "20"}"#)
        guard made.status == 201, let document = made.id, let pdf = made.int("pdf_file_id") else {
            throw TestFailure("document: \(made.status) \(made.text)")
        }
        return (deal, client, document, pdf)
    }

    /// Polls the letter until its status is `status` (or 30 s passed) and returns it.
    static func waitForStatus(
        _ client: APIClient, _ id: Int64, _ status: String, timeout: Duration = .seconds(30)
    ) async throws -> APIResponse {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var last = try await client.get("/api/v1/emails/\(id)")
        while clock.now < deadline {
            last = try await client.get("/api/v1/emails/\(id)")
            if last.string("status") == status { return last }
            try await Task.sleep(for: .milliseconds(200))
        }
        return last
    }

    @Test(
        "a letter from a deal with its invoice: one interaction, queued, delivered with the Russian subject, body and the PDF; sent on the card"
    )
    func sendFromDeal() async throws {
        let smtp = try await SMTPTestServer.start()
        defer { smtp.stop() }
        let server = try await RunningServer.start(demo: true, pdfConverter: try Self.fakeConverter(), mail: try Self.settings(smtp))
        do {
            let (deal, client, document, pdf) = try await Self.dealWithInvoice(server)
            let manager = try await APIClient.signIn(server, "manager.msk")
            let subject = "Счёт на оплату № 1 — ООО «Хлебозавод № 5», поставка ингредиентов за декабрь 2026 г."
            let sent = try await manager.post(
                "/api/v1/deals/\(deal)/emails",
                """
                {"subject": "\(subject)", "body": "Добрый день, Пётр!\\n\\nСчёт во вложении. Оплатите, пожалуйста, до пятницы.\\n\\nС уважением,\\nИван", "document_ids": [\(document)]}
                """)
            #expect(sent.status == 201, "\(sent.text)")
            let id = try #require(sent.id)
            #expect(sent.string("status") == "queued" || sent.string("status") == "sent")
            #expect(sent.json["recipients"] as? [String] == ["petrov@hlebozavod5.ru", "buh@hlebozavod5.ru"])
            #expect((sent.json["attachment_file_ids"] as? [NSNumber])?.map(\.int64Value) == [pdf])
            #expect((sent.json["document_ids"] as? [NSNumber])?.map(\.int64Value) == [document])
            #expect(sent.string("sender") == "sales@ingredients.ru")
            #expect(sent.int("deal_id") == deal && sent.int("client_id") == client)
            let interaction = try #require(sent.int("interaction_id"))

            // What the SMTP server got.
            let delivered = try await smtp.waitForDelivered(1)
            try #require(delivered.count == 1)
            let mail = delivered[0]
            #expect(mail.rcpt_tos == ["petrov@hlebozavod5.ru", "buh@hlebozavod5.ru"])
            #expect(mail.mail_from == "sales@ingredients.ru")
            #expect(mail.subject == subject)
            #expect(mail.raw_subject.hasPrefix("Subject: =?UTF-8?B?"), "\(mail.raw_subject)")
            #expect(mail.from == "ООО «Ингредиенты Плюс» <sales@ingredients.ru>")
            #expect(mail.to == "Пётр Петров <petrov@hlebozavod5.ru>, Бухгалтерия <buh@hlebozavod5.ru>")
            #expect(
                mail.body?.replacingOccurrences(of: "\r\n", with: "\n")
                    == "Добрый день, Пётр!\n\nСчёт во вложении. Оплатите, пожалуйста, до пятницы.\n\nС уважением,\nИван")
            #expect(mail.message_id == "<\(sent.string("message_id") ?? "")>")
            try #require(mail.attachments.count == 1)
            let content = try await BinaryHTTP.exchange(server, "GET", "/api/v1/files/\(pdf)/content", token: manager.token)
            let file = try await manager.get("/api/v1/files/\(pdf)")
            #expect(mail.attachments[0].sha256 == Hex.encode(SHA256.digest(content.body)))
            #expect(mail.attachments[0].size == content.body.count)
            #expect(mail.attachments[0].content_type == "application/pdf")
            #expect(mail.attachments[0].filename == file.string("name"))
            #expect(file.string("name")?.hasPrefix("Счёт на оплату № 1") == true, "\(file.text)")

            // The status: sent, with the server's answer; on the card and in the history.
            let done = try await Self.waitForStatus(manager, id, "sent")
            #expect(done.string("status") == "sent", "\(done.text)")
            #expect(done.string("smtp_reply")?.contains("queued as test-1") == true)
            #expect(done.int("attempts") == 1)
            #expect(done["last_error"] is NSNull)
            let card = try await manager.get("/api/v1/clients/\(client)/card")
            let emails = card.json["emails"] as? [[String: Any]] ?? []
            #expect(emails.count == 1)
            #expect(emails.first?["status"] as? String == "sent")
            #expect(emails.first?["subject"] as? String == subject)
            #expect(emails.first?["owner_name"] as? String != nil)
            let history = card.json["recent_interactions"] as? [[String: Any]] ?? []
            #expect(history.contains { ($0["id"] as? NSNumber)?.int64Value == interaction && $0["kind"] as? String == "email" })
            let row = try await manager.get("/api/v1/interactions/\(interaction)")
            #expect(row.string("kind") == "email" && row.string("summary")?.hasPrefix(subject) == true)
            let listed = try await manager.get("/api/v1/emails?deal_id=\(deal)")
            #expect(listed.ids == [id])

            // From the card, to one named contact, no attachment.
            let contacts = try await manager.get("/api/v1/contacts?client_id=\(client)&sort=id")
            let buh = try #require(contacts.items.first { $0["name"] as? String == "Бухгалтерия" }?["id"] as? NSNumber)
            let second = try await manager.post(
                "/api/v1/clients/\(client)/emails",
                """
                {"subject": "Акт сверки", "body": "Просим подписать акт сверки.", "contact_ids": [\(buh)]}
                """)
            #expect(second.status == 201, "\(second.text)")
            #expect(second.json["recipients"] as? [String] == ["buh@hlebozavod5.ru"])
            let both = try await smtp.waitForDelivered(2)
            #expect(both.count == 2)
            #expect(
                both.last?.rcpt_tos == ["buh@hlebozavod5.ru"] && both.last?.subject == "Акт сверки"
                    && both.last?.attachments.isEmpty == true)

            // The letter is audited without its bytes.
            let audit = try await ownerQuery(
                server,
                """
                select count(*)::int, bool_and(coalesce(new_values ->> 'message', '') in ('', '[redacted]') or new_values -> 'message' is null)
                  from audit.log where table_name = 'crm.emails' and row_id = \(id)
                """)
            #expect(try audit[0].decode(Int32.self, at: 0) >= 2, "queued, then sent")
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("row rules and refusals: other territories get 404, wrong contacts and documents 422 naming them, no SMTP 503")
    func rules() async throws {
        let smtp = try await SMTPTestServer.start()
        defer { smtp.stop() }
        let server = try await RunningServer.start(demo: true, pdfConverter: try Self.fakeConverter(), mail: try Self.settings(smtp))
        do {
            let (deal, client, document, _) = try await Self.dealWithInvoice(server)
            let manager = try await APIClient.signIn(server, "manager.msk")
            let spb = try await APIClient.signIn(server, "manager.spb")
            let body = #"{"subject": "Тема", "body": "Текст"}"#
            #expect(try await spb.post("/api/v1/deals/\(deal)/emails", body).status == 404)
            #expect(try await spb.post("/api/v1/clients/\(client)/emails", body).status == 404)
            let sent = try await manager.post("/api/v1/clients/\(client)/emails", body)
            #expect(sent.status == 201, "\(sent.text)")
            let id = try #require(sent.id)
            #expect(try await spb.get("/api/v1/emails/\(id)").status == 404)
            #expect(try await spb.get("/api/v1/emails?client_id=\(client)").ids.isEmpty)
            let director = try await APIClient.signIn(server, "director")
            #expect(try await director.get("/api/v1/emails/\(id)").status == 200)
            // Nobody changes a letter's status by hand (no such route, and no UPDATE grant).
            let patched = try await manager.patch("/api/v1/emails/\(id)", #"{"status": "sent"}"#)
            #expect(patched.status == 404 || patched.status == 405, "\(patched.status) \(patched.text)")

            // Refusals, each field named, nothing stored.
            let before = try await ownerQuery(server, "select count(*)::int from crm.emails")[0].decode(Int32.self, at: 0)
            let russian = ["Accept-Language": "ru"]
            let empty = try await manager.post("/api/v1/deals/\(deal)/emails", #"{"subject": " ", "colour": 1}"#, headers: russian)
            #expect(empty.status == 422)
            #expect(Set(empty.fieldErrors.keys) == ["subject", "body", "colour"], "\(empty.text)")
            #expect(empty.fieldErrors["subject"] == "обязательно (тема письма)", "\(empty.text)")
            let other = try await manager.create("/api/v1/clients", #"{"name": "ООО «Другой клиент»"}"#)
            let stranger = try await manager.create(
                "/api/v1/contacts", #"{"client_id": \#(other), "name": "Чужой", "emails": ["x@other.ru"]}"#)
            let wrongContact = try await manager.post(
                "/api/v1/deals/\(deal)/emails",
                #"{"subject": "Тема", "body": "Текст", "contact_ids": [\#(stranger)]}"#, headers: russian)
            #expect(wrongContact.status == 422)
            #expect(wrongContact.fieldErrors["contact_ids"] == "у клиента нет контакта \(stranger)", "\(wrongContact.text)")
            let wrongDocument = try await manager.post(
                "/api/v1/deals/\(deal)/emails",
                #"{"subject": "Тема", "body": "Текст", "document_ids": [\#(document + 1000)]}"#, headers: russian)
            #expect(wrongDocument.fieldErrors["document_ids"] == "у сделки нет документа \(document + 1000)", "\(wrongDocument.text)")
            let nobody = try await manager.post("/api/v1/clients/\(other)/emails", #"{"subject": "Тема", "body": "Текст"}"#)
            #expect(nobody.status == 201, "the other client's contact has an address: \(nobody.text)")
            let bare = try await manager.create("/api/v1/clients", #"{"name": "ООО «Без почты»"}"#)
            let noAddress = try await manager.post(
                "/api/v1/clients/\(bare)/emails", #"{"subject": "Тема", "body": "Текст"}"#, headers: russian)
            #expect(
                noAddress.fieldErrors["contact_ids"] == "ни у одного контакта клиента нет адреса электронной почты", "\(noAddress.text)")
            let english = try await manager.post(
                "/api/v1/clients/\(bare)/emails", #"{"subject": "Тема", "body": "Текст"}"#,
                headers: ["Accept-Language": "en"])
            #expect(english.fieldErrors["contact_ids"] == "no contact of this client has an e-mail address")
            let after = try await ownerQuery(server, "select count(*)::int from crm.emails")[0].decode(Int32.self, at: 0)
            #expect(after == before + 1)

            // A retried send with its Idempotency-Key queues one letter and answers the first one again.
            let key = ["Idempotency-Key": "letter-1 retry"]
            let letter = #"{"subject": "Один раз", "body": "Текст"}"#
            let first = try await manager.post("/api/v1/clients/\(client)/emails", letter, headers: key)
            let again = try await manager.post("/api/v1/clients/\(client)/emails", letter, headers: key)
            #expect(first.status == 201 && again.status == 201, "\(first.text) \(again.text)")
            #expect(again.id == first.id && first.id != nil)
            #expect(again.headers["idempotent-replayed"] == "true" && first.headers["idempotent-replayed"] == nil)
            let changed = try await manager.post(
                "/api/v1/clients/\(client)/emails", #"{"subject": "Другое", "body": "Текст"}"#, headers: key)
            #expect(changed.status == 422 && changed.fieldErrors["Idempotency-Key"] != nil, "\(changed.text)")
            let once = try await ownerQuery(server, "select count(*)::int from crm.emails where subject = 'Один раз'")[0].decode(
                Int32.self, at: 0)
            #expect(once == 1)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()

        // Without SMTP settings: 503, nothing stored.
        let plain = try await RunningServer.start(demo: true)
        do {
            let manager = try await APIClient.signIn(plain, "manager.msk")
            let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Ромашка»"}"#)
            let refused = try await manager.post("/api/v1/clients/\(client)/emails", #"{"subject": "Тема", "body": "Текст"}"#)
            #expect(refused.status == 503)
            #expect(refused.error["reason"] as? String == "mail_not_configured", "\(refused.text)")
        } catch {
            try? await plain.stop()
            throw error
        }
        try await plain.stop()
    }

    @Test("a refusal is recorded with the server's reason and retried until sent; a permanent refusal fails at once")
    func retries() async throws {
        let smtp = try await SMTPTestServer.start()
        defer { smtp.stop() }
        try smtp.setMode("tempfail")
        let server = try await RunningServer.start(demo: true, mail: try Self.settings(smtp))
        do {
            let manager = try await APIClient.signIn(server, "manager.msk")
            let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Ромашка»"}"#)
            _ = try await manager.create("/api/v1/contacts", #"{"client_id": \#(client), "name": "Иван", "emails": ["ivan@romashka.ru"]}"#)
            let sent = try await manager.post("/api/v1/clients/\(client)/emails", #"{"subject": "Повтор", "body": "Текст"}"#)
            let id = try #require(sent.id)
            // Refused twice (451): still queued, the reason recorded, tried again after the back-off.
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(30)
            while smtp.attempts() < 2 && clock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            #expect(smtp.attempts() >= 2)
            let waiting = try await manager.get("/api/v1/emails/\(id)")
            #expect(waiting.string("status") == "queued", "\(waiting.text)")
            #expect(waiting.string("last_error")?.contains("451") == true, "\(waiting.text)")
            #expect(waiting.string("last_error")?.contains("Mailbox busy, try again later") == true, "\(waiting.text)")
            let card = try await manager.get("/api/v1/clients/\(client)/card")
            let onCard = (card.json["emails"] as? [[String: Any]])?.first
            #expect(onCard?["status"] as? String == "queued")
            #expect((onCard?["last_error"] as? String)?.contains("451") == true)
            // The server takes it now: sent once, the error cleared.
            try smtp.setMode("ok")
            let done = try await Self.waitForStatus(manager, id, "sent")
            #expect(done.string("status") == "sent", "\(done.text)")
            #expect((done.int("attempts") ?? 0) >= 3)
            #expect(done["last_error"] is NSNull)
            #expect(try smtp.delivered().count == 1)

            // 550: failed after one attempt, with the reason; not tried again.
            try smtp.setMode("permfail")
            let attemptsBefore = smtp.attempts()
            let refused = try await manager.post("/api/v1/clients/\(client)/emails", #"{"subject": "Отказ", "body": "Текст"}"#)
            let failed = try await Self.waitForStatus(manager, try #require(refused.id), "failed")
            #expect(failed.string("status") == "failed", "\(failed.text)")
            #expect(failed.int("attempts") == 1)
            #expect(failed.string("last_error")?.contains("550 5.7.1 Message refused by policy") == true, "\(failed.text)")
            try await Task.sleep(for: .seconds(3))
            #expect(smtp.attempts() == attemptsBefore + 1)
            #expect(try smtp.delivered().count == 1)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("restarts and two servers on one database: nothing lost, nothing sent twice")
    func restarts() async throws {
        let smtp = try await SMTPTestServer.start()
        defer { smtp.stop() }
        try smtp.setMode("tempfail")
        let first = try await RunningServer.start(demo: true, mail: try Self.settings(smtp))
        let conninfo = first.ownerConninfo
        var ids: [Int64] = []
        do {
            let manager = try await APIClient.signIn(first, "manager.msk")
            let client = try await manager.create("/api/v1/clients", #"{"name": "ООО «Ромашка»"}"#)
            _ = try await manager.create("/api/v1/contacts", #"{"client_id": \#(client), "name": "Иван", "emails": ["ivan@romashka.ru"]}"#)
            for n in 1...12 {
                let sent = try await manager.post(
                    "/api/v1/clients/\(client)/emails", #"{"subject": "Письмо \#(n)", "body": "Текст \#(n)"}"#)
                ids.append(try #require(sent.id))
            }
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(20)
            while smtp.attempts() < 1 && clock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        } catch {
            try? await first.stop()
            throw error
        }
        // Stopped while the server refuses: every letter still queued.
        try await first.stop()
        let queued = try await Self.owner(conninfo, "select count(*)::int from crm.emails where status = 'queued'")
        #expect(queued == 12)

        // Two servers at once on the database take the letters now: each delivered exactly once.
        try smtp.setMode("ok")
        let second = try await RunningServer.start(conninfo: conninfo, migrate: false, mail: try Self.settings(smtp))
        let third = try await RunningServer.start(conninfo: conninfo, migrate: false, mail: try Self.settings(smtp))
        let delivered = try await smtp.waitForDelivered(12)
        try await Task.sleep(for: .seconds(2))
        try await second.stop()
        try await third.stop()
        let all = try smtp.delivered()
        #expect(all.count == 12, "\(all.map(\.subject))")
        #expect(Set(all.map(\.message_id)).count == 12)
        #expect(Set(all.map(\.subject)) == Set((1...12).map { "Письмо \($0)" }))
        _ = delivered
        let sent = try await Self.owner(conninfo, "select count(*)::int from crm.emails where status = 'sent'")
        #expect(sent == 12)

        // Another restart: nothing is sent again.
        let fourth = try await RunningServer.start(conninfo: conninfo, migrate: false, mail: try Self.settings(smtp))
        try await Task.sleep(for: .seconds(2))
        try await fourth.stop()
        #expect(try smtp.delivered().count == 12)
    }

    static func owner(_ conninfo: String, _ sql: PostgresQuery) async throws -> Int32 {
        let connection = try await PostgresConnection.connect(
            conninfo, threadPool: TestPostgres.ownThread(), logger: .init(label: "test.owner"))
        defer { connection.close() }
        return try await connection.query(sql)[0].decode(Int32.self, at: 0)
    }
}

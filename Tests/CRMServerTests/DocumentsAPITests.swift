import Foundation
import PostgresClient
import TestSupport
import Testing

/// Documents over real sockets with the real converter (Chromium): a счёт на оплату made from a
/// deal with its lines, the company profile and logo; the PDF read back with pdftotext and
/// rendered to PNG pages (kept in .ci/artifacts/documents/ to look at); numbers from the
/// sequence of each kind and year without gaps or duplicates under concurrent requests; the
/// row rules (404, 403); templates versioned and refused with the line and field named; no
/// half document when the converter fails or is missing.
@Suite("Documents", .serialized, .stopsItsServers)
struct DocumentsAPITests {
    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../.ci/artifacts/documents").standardized.path

    /// The company profile of the test company (valid ИНН/КПП, Сбербанк's БИК, accounts with their key digits).
    static func setUpCompany(_ server: RunningServer) async throws {
        let admin = try await APIClient.signIn(server, "admin")
        let profile = try await admin.patch(
            "/api/v1/company-profile/1",
            """
            {"legal_name": "ООО «Ингредиенты Плюс»", "inn": "7707083893", "kpp": "773601001", "ogrn": "1027700132195",
             "address": "115093, г. Москва, ул. Большая Серпуховская, д. 12, офис 5", "phone": "+7 495 123-45-67",
             "bank_name": "ПАО Сбербанк, г. Москва", "bik": "044525225", "account": "40702810238000001234",
             "correspondent_account": "30101810400000000225", "director_name": "Сидоров И. П.", "accountant_name": "Кузнецова А. В."}
            """)
        #expect(profile.status == 200, "\(profile.text)")
        let logo = try await BinaryHTTP.exchange(
            server, "PUT", "/api/v1/company-profile/logo", token: admin.token,
            body: BinaryHTTP.logo, contentType: "image/png")
        #expect(logo.status == 200, "\(String(decoding: logo.body, as: UTF8.self))")
    }

    /// A client with a counterparty and a deal of `lines` product lines (name, quantity, price) as manager.msk.
    static func makeDeal(
        _ server: RunningServer, client name: String, lines: [(String, String, String)]
    ) async throws -> (deal: Int64, client: Int64) {
        let manager = try await APIClient.signIn(server, "manager.msk")
        let purchaser = try await APIClient.signIn(server, "purchaser")
        let client = try await manager.create("/api/v1/clients", #"{"name": "\#(name)"}"#)
        let counterparty = try await manager.create(
            "/api/v1/counterparties",
            """
            {"client_id": \(client), "legal_name": "\(name.replacingOccurrences(of: "\"", with: "\\\""))", "inn": "7736207543", "kpp": "770401001",
             "address": "119021, г. Москва, ул. Льва Толстого, д. 16", "valid_from": "2020-01-01"}
            """)
        let deal = try await manager.create(
            "/api/v1/deals",
            """
            {"title": "Поставка ингредиентов, декабрь", "client_id": \(client), "counterparty_id": \(counterparty), "amount": "0"}
            """)
        for (index, line) in lines.enumerated() {
            let product = try await purchaser.create(
                "/api/v1/products", #"{"name": "\#(line.0)", "article": "ART-\#(deal)-\#(index)", "unit": "кг", "price": "\#(line.2)"}"#)
            _ = try await manager.create(
                "/api/v1/deal-lines", #"{"deal_id": \#(deal), "product_id": \#(product), "quantity": "\#(line.1)", "price": "\#(line.2)"}"#)
        }
        return (deal, client)
    }

    static func templateID(_ server: RunningServer, _ kind: String) async throws -> Int64 {
        try await ownerQuery(server, "select id from crm.document_templates where kind = \(kind) order by id limit 1")[0].decode(
            Int64.self, at: 0)
    }

    /// Runs a program of poppler-utils and returns what it printed.
    static func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/" + program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(program) \(arguments)")
        return String(decoding: output, as: UTF8.self)
    }

    static func today() -> (long: String, year: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Moscow")!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        let months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]
        return ("\(parts.day!) \(months[parts.month! - 1]) \(parts.year!) г.", parts.year!)
    }

    @Test("an invoice from a deal: numbered, HTML and PDF files of the deal, a real A4 PDF with searchable Cyrillic, audited, on the card")
    func invoice() async throws {
        let server = try await RunningServer.start(demo: true)
        try await Self.setUpCompany(server)
        let (deal, client) = try await Self.makeDeal(
            server, client: "ООО «Хлебозавод № 5»",
            lines: [
                ("Мука пшеничная высшего сорта", "1000", "1000.00"), ("Сахар-песок", "200", "1000.00"),
                ("Дрожжи хлебопекарные прессованные", "1", "34567.89"),
            ])
        let manager = try await APIClient.signIn(server, "manager.msk")
        let invoice = try await Self.templateID(server, "invoice")
        let made = try await BinaryHTTP.makeDocument(manager, deal: deal, #"{"template_id": \#(invoice), "vat_rate": "20"}"#)
        #expect(made.status == 201, "\(made.text)")
        let (long, year) = Self.today()
        #expect(made.int("number") == 1)
        #expect(made.int("year") == Int64(year))
        #expect(made.string("kind") == "invoice")
        #expect(made.string("title") == "Счёт на оплату № 1 от \(long)")
        #expect(made.string("total") == "1234567.89")
        #expect(made.string("vat_amount") == "205761.32", "166666.67 + 33333.33 + 5761.32")
        #expect(made.string("vat_rate") == "20")
        #expect(made.int("client_id") == client)
        #expect(made.int("template_version") == 1)
        let documentID = try #require(made.id)

        // The PDF: downloaded over HTTP, A4, the client and the amount in words found by pdftotext.
        let pdfID = try #require(made.int("pdf_file_id"))
        let pdf = try await BinaryHTTP.exchange(server, "GET", "/api/v1/files/\(pdfID)/content", token: manager.token)
        #expect(pdf.status == 200 && pdf.headers["content-type"] == "application/pdf")
        #expect(pdf.body.starts(with: Array("%PDF-".utf8)))
        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
        let pdfPath = Self.artifacts + "/invoice.pdf"
        try Data(pdf.body).write(to: URL(fileURLWithPath: pdfPath))
        let text = try Self.run("pdftotext", ["-layout", pdfPath, "-"]).replacingOccurrences(of: "\u{00A0}", with: " ")
        for expected in [
            "Счёт на оплату № 1 от \(long)", "ООО «Хлебозавод № 5»", "ООО «Ингредиенты Плюс»",
            "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек",
            "1 234 567,89", "205 761,32", "В том числе НДС (20%)", "Всего наименований 3, на сумму 1 234 567,89 ₽",
            "044525225", "40702810238000001234", "ИНН 7736207543", "Мука пшеничная высшего сорта", "Сидоров И. П.",
            "Кузнецова А. В.", "Руководитель", "Бухгалтер",
        ] {
            #expect(text.contains(expected), "pdftotext lacks «\(expected)»:\n\(text)")
        }
        let info = try Self.run("pdfinfo", [pdfPath])
        #expect(info.contains("A4"), "\(info)")
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.dropFirst("Pages:".count)
        #expect(pages?.trimmingCharacters(in: .whitespaces) == "1", "three lines fit on one page: \(info)")
        _ = try Self.run("pdftoppm", ["-png", "-r", "80", pdfPath, Self.artifacts + "/invoice"])

        // The HTML file is the same document.
        let htmlID = try #require(made.int("html_file_id"))
        let html = try await server.call("GET", "/api/v1/files/\(htmlID)/content", token: manager.token)
        #expect(html.status == 200 && html.body.contains("Счёт на оплату № 1 от \(long)") && html.body.contains("data:image/png;base64,"))
        #expect(html.body.contains("Content-Security-Policy"))

        // Listed on the deal and the client card; both files belong to the deal; audited.
        let listed = try await manager.get("/api/v1/documents?deal_id=\(deal)")
        #expect(listed.ids == [documentID])
        let files = try await manager.get("/api/v1/files?deal_id=\(deal)")
        #expect(Set(files.ids) == [htmlID, pdfID])
        let names = files.items.compactMap { $0["name"] as? String }.sorted()
        let issued = (made.string("issued_on") ?? "").split(separator: "-")
        let short = issued.count == 3 ? "\(issued[2]).\(issued[1]).\(issued[0])" : "?"
        #expect(names == ["Счёт на оплату № 1 от \(short).html", "Счёт на оплату № 1 от \(short).pdf"], "\(names)")
        let card = try await manager.get("/api/v1/clients/\(client)/card")
        #expect(
            ((card["documents"] as? [[String: Any]]) ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value } == [documentID],
            "\(card.text)")
        let audited = try await ownerQuery(
            server,
            """
            select count(*) filter (where table_name = 'crm.documents'), count(*) filter (where table_name = 'crm.files')
              from audit.log where action = 'insert' and (table_name = 'crm.documents' and row_id = \(documentID)
                                                          or table_name = 'crm.files' and row_id in (\(htmlID), \(pdfID)))
            """)[0]
        let (documentEntries, fileEntries) = try audited.decode((Int64, Int64).self)
        #expect(documentEntries == 1 && fileEntries == 2, "one audit entry per row")

        // The next invoice takes 2; a proposal starts its own sequence at 1.
        let second = try await BinaryHTTP.makeDocument(manager, deal: deal, #"{"template_id": \#(invoice)}"#)
        #expect(second.status == 201 && second.int("number") == 2, "\(second.text)")
        #expect(second.string("vat_rate") == "22", "the company profile's default VAT")
        let proposal = try await BinaryHTTP.makeDocument(
            manager, deal: deal, #"{"template_id": \#(try await Self.templateID(server, "proposal"))}"#)
        #expect(proposal.status == 201 && proposal.int("number") == 1, "\(proposal.text)")
        try await server.stop()
    }

    @Test("every default template makes a PDF; a long table breaks across pages with its header repeated")
    func allKinds() async throws {
        let server = try await RunningServer.start(demo: true)
        try await Self.setUpCompany(server)
        let lines = (1...45).map { ("Ингредиент для выпечки № \($0), мешок 25 кг", "\($0)", "\(100 + $0).50") }
        let (deal, _) = try await Self.makeDeal(server, client: "АО «Кондитерская фабрика»", lines: lines)
        let manager = try await APIClient.signIn(server, "manager.msk")
        for kind in ["invoice", "proposal", "contract", "specification", "letter"] {
            let made = try await BinaryHTTP.makeDocument(
                manager, deal: deal, #"{"template_id": \#(try await Self.templateID(server, kind))}"#)
            #expect(made.status == 201, "\(kind): \(made.text)")
            guard let pdfID = made.int("pdf_file_id") else { continue }
            let pdf = try await BinaryHTTP.exchange(server, "GET", "/api/v1/files/\(pdfID)/content", token: manager.token)
            let path = Self.artifacts + "/long-\(kind).pdf"
            try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
            try Data(pdf.body).write(to: URL(fileURLWithPath: path))
            let text = try Self.run("pdftotext", ["-layout", path, "-"]).replacingOccurrences(of: "\u{00A0}", with: " ")
            #expect(text.contains("АО «Кондитерская фабрика»"), "\(kind)")
            // The last line (45 × 145,50) and the total are there; the letter has no table.
            #expect(kind == "letter" || text.contains("6 547,50"), "\(kind): the last line is there")
            #expect(text.contains("135 412,50"), "\(kind): the total")
            _ = try Self.run("pdftoppm", ["-png", "-r", "60", path, Self.artifacts + "/long-\(kind)"])
            if kind == "invoice" {
                let pages = text.components(separatedBy: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
                #expect(pages.count >= 2, "45 lines take more than a page")
                for page in pages.dropFirst() where page.contains("Ингредиент") {
                    #expect(page.contains("Товары (работы, услуги)"), "the table header repeats on every page")
                }
                // Every row on exactly one page (none cut in half, none lost).
                #expect(text.components(separatedBy: "Ингредиент для выпечки № 1,").count == 2)
            }
        }
        try await server.stop()
    }

    @Test("concurrent requests get numbers 1…N of their kind and year: no gaps, no duplicates")
    func concurrentNumbers() async throws {
        let server = try await RunningServer.start(poolSize: 12, demo: true, poolAcquireTimeout: .seconds(300))
        try await Self.setUpCompany(server)
        let (deal, _) = try await Self.makeDeal(server, client: "ООО «Параллель»", lines: [("Соль поваренная", "10", "15.00")])
        let manager = try await APIClient.signIn(server, "manager.msk")
        let invoice = try await Self.templateID(server, "invoice")
        let count = 6
        let numbers = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for _ in 0..<count {
                group.addTask {
                    // A socket with a long timeout: the requests queue behind the counter's row lock.
                    let made = try await BinaryHTTP.makeDocument(manager, deal: deal, #"{"template_id": \#(invoice)}"#)
                    return made.status == 201 ? made.int("number") : nil
                }
            }
            var all: [Int64] = []
            for try await number in group { if let number { all.append(number) } }
            return all
        }
        #expect(numbers.sorted() == Array(1...Int64(count)), "\(numbers)")
        let stored = try await ownerQuery(server, "select number from crm.documents where kind = 'invoice' order by number")
        #expect(try stored.map { try $0.decode(Int64.self, at: 0) } == Array(1...Int64(count)))
        try await server.stop()
    }

    @Test("row rules: 404 for a deal the caller cannot see, 403 for one it cannot change; bad bodies 422; nothing stored")
    func rules() async throws {
        let server = try await RunningServer.start(demo: true)
        let (deal, _) = try await Self.makeDeal(server, client: "ООО «Правила»", lines: [("Крахмал", "5", "80.00")])
        let invoice = try await Self.templateID(server, "invoice")
        let body = #"{"template_id": \#(invoice)}"#
        let spb = try await APIClient.signIn(server, "manager.spb")
        let accountant = try await APIClient.signIn(server, "accountant")
        let manager = try await APIClient.signIn(server, "manager.msk")
        #expect(try await BinaryHTTP.makeDocument(spb, deal: deal, body).status == 404, "another territory's deal is not seen")
        let refused = try await BinaryHTTP.makeDocument(accountant, deal: deal, body)
        #expect(refused.status == 403, "the accountant reads deals but may not change them: \(refused.text)")
        #expect(try await BinaryHTTP.makeDocument(manager, deal: 999999, body).status == 404)
        for (bad, field) in [
            ("{}", "template_id"), (#"{"template_id": 999999}"#, "template_id"), (#"{"template_id": "x"}"#, "template_id"),
            (#"{"template_id": \#(invoice), "vat_rate": "18"}"#, "vat_rate"),
            (#"{"template_id": \#(invoice), "copies": 2}"#, "copies"),
        ] {
            let answer = try await BinaryHTTP.makeDocument(manager, deal: deal, bad)
            #expect(answer.status == 422 && answer.fieldErrors[field] != nil, "\(bad): \(answer.text)")
        }
        let stored = try await ownerQuery(
            server, "select (select count(*) from crm.documents), (select count(*) from crm_private.document_counters)")[0]
        let (documents, counters) = try stored.decode((Int64, Int64).self)
        #expect(documents == 0 && counters == 0, "refusals take no number and store nothing")
        let made = try await BinaryHTTP.makeDocument(manager, deal: deal, body)
        #expect(made.status == 201 && made.int("number") == 1, "\(made.text)")
        #expect(try await spb.get("/api/v1/documents/\(made.id ?? 0)").status == 404, "a document is seen as its deal is")
        try await server.stop()
    }

    @Test("templates: versioned; an unknown field or a syntax error is refused naming the line; a document keeps its version")
    func templates() async throws {
        let server = try await RunningServer.start(demo: true)
        let admin = try await APIClient.signIn(server, "admin")
        let manager = try await APIClient.signIn(server, "manager.msk")
        let created = try await admin.post(
            "/api/v1/document-templates", #"{"kind": "letter", "name": "Короткое письмо", "body": "<p>Версия один: {{ deal.title }}</p>"}"#)
        #expect(created.status == 201 && created.int("body_version") == 1, "\(created.text)")
        let template = try #require(created.id)
        let unknown = try await admin.patch(
            "/api/v1/document-templates/\(template)", #"{"body": "<p>\n{{ deal.title }}\n{{ deal.titel }}</p>"}"#)
        #expect(unknown.status == 422 && unknown.fieldErrors["body"] == "line 3: unknown field deal.titel", "\(unknown.text)")
        let syntax = try await admin.post(
            "/api/v1/document-templates",
            #"{"kind": "letter", "name": "Сломанное", "body": "<table>\n{{#each lines}}\n<tr>{{ line.name }}</tr>\n</table>"}"#)
        #expect(syntax.status == 422 && syntax.fieldErrors["body"]?.hasPrefix("line 2:") == true, "\(syntax.text)")
        let filter = try await admin.post(
            "/api/v1/document-templates", #"{"kind": "letter", "name": "Фильтр", "body": "{{ document.total | roubles }}"}"#)
        #expect(filter.status == 422 && filter.fieldErrors["body"]?.contains("roubles") == true, "\(filter.text)")
        #expect(try await manager.post("/api/v1/document-templates", #"{"kind": "letter", "name": "Моё", "body": "x"}"#).status == 403)
        #expect(try await manager.patch("/api/v1/company-profile/1", #"{"legal_name": "ООО «Захват»"}"#).status == 403)

        let second = try await admin.patch("/api/v1/document-templates/\(template)", #"{"body": "<p>Версия два: {{ deal.title }}</p>"}"#)
        #expect(second.status == 200 && second.int("body_version") == 2, "\(second.text)")
        let renamed = try await admin.patch("/api/v1/document-templates/\(template)", #"{"name": "Короткое письмо клиенту"}"#)
        #expect(renamed.int("body_version") == 2, "a new name is not a new body")
        let (deal, _) = try await Self.makeDeal(server, client: "ООО «Версии»", lines: [("Патока", "2", "300.00")])
        let made = try await BinaryHTTP.makeDocument(manager, deal: deal, #"{"template_id": \#(template)}"#)
        #expect(made.status == 201 && made.int("template_version") == 2, "\(made.text)")
        _ = try await admin.patch("/api/v1/document-templates/\(template)", #"{"body": "<p>Версия три</p>"}"#)
        let versions = try await admin.get("/api/v1/document-template-versions?template_id=\(template)&sort=body_version")
        #expect(versions.items.map { ($0["body_version"] as? NSNumber)?.intValue } == [1, 2, 3])
        #expect((versions.items[1]["body"] as? String) == "<p>Версия два: {{ deal.title }}</p>")
        let document = try await manager.get("/api/v1/documents/\(made.id ?? 0)")
        #expect(document.int("template_version") == 2, "the document keeps the version it was made from")
        let html = try await server.call("GET", "/api/v1/files/\(made.int("html_file_id") ?? 0)/content", token: manager.token)
        #expect(html.body.contains("Версия два: Поставка ингредиентов, декабрь"))
        let inactive = try await admin.patch("/api/v1/document-templates/\(template)", #"{"active": false}"#)
        #expect(inactive.status == 200)
        #expect(try await BinaryHTTP.makeDocument(manager, deal: deal, #"{"template_id": \#(template)}"#).status == 422)
        try await server.stop()
    }

    @Test("a failed conversion stores nothing and gives the number back; a missing converter is a 503 naming it")
    func converterFailures() async throws {
        let failing = try await RunningServer.start(demo: true, pdfConverter: "/bin/false")
        let (deal, _) = try await Self.makeDeal(failing, client: "ООО «Сбой»", lines: [("Какао-порошок", "3", "500.00")])
        let manager = try await APIClient.signIn(failing, "manager.msk")
        let body = #"{"template_id": \#(try await Self.templateID(failing, "invoice"))}"#
        let failed = try await BinaryHTTP.makeDocument(manager, deal: deal, body)
        #expect(failed.status == 503 && failed.errorCode == "conversion_failed", "\(failed.text)")
        let stored = try await ownerQuery(
            failing,
            """
            select (select count(*) from crm.documents), (select count(*) from crm.files), (select count(*) from crm_private.document_counters)
            """)[0]
        let (documents, files, counters) = try stored.decode((Int64, Int64, Int64).self)
        #expect(documents == 0 && files == 0 && counters == 0, "no half document, no number taken")
        try await failing.stop()

        let missing = try await RunningServer.start(demo: true, pdfConverter: "/nonexistent/chromium")
        let (otherDeal, _) = try await Self.makeDeal(missing, client: "ООО «Без конвертера»", lines: [("Ваниль", "1", "900.00")])
        let other = try await APIClient.signIn(missing, "manager.msk")
        let answer = try await BinaryHTTP.makeDocument(
            other, deal: otherDeal, #"{"template_id": \#(try await Self.templateID(missing, "invoice"))}"#)
        #expect(answer.status == 503 && answer.errorCode == "converter_missing", "\(answer.text)")
        #expect(answer.errorMessage.contains("/nonexistent/chromium"), "\(answer.text)")
        try await missing.stop()
    }
}

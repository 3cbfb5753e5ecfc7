import Credentials
import Foundation
import PostgresClient
import TestSupport
import Testing

/// The 1C exchange (issue 14) played as 1C plays it: a real HTTP client over a socket doing
/// checkauth → init → file (in parts) → import for the catalog, then the sale query → success →
/// file → import of 1C's answer; the products, prices, stock, orders and payments are checked
/// in the database, a second run changes nothing, broken files change nothing.
@Suite("1C exchange (CommerceML)", .serialized, .stopsItsServers)
struct OneCExchangeTests {
    /// One protocol call the way 1C makes it: raw bytes on a connection of its own.
    struct OneC {
        let server: RunningServer
        var cookie: String?

        func call(_ query: String, body: [UInt8]? = nil, authorization: String? = nil) async throws -> (status: Int, text: String) {
            let (host, port) = (server.httpHost, server.httpPort)
            let cookie = self.cookie
            return try await TestPostgres.runBlocking {
                let client = try SocketClient(host: host, port: port, timeout: 60)
                defer { client.disconnect() }
                var head = "\(body == nil ? "GET" : "POST") /1c/exchange?\(query) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
                head += "User-Agent: 1C+Enterprise/8.3\r\n"
                if let authorization { head += "Authorization: \(authorization)\r\n" }
                if let cookie { head += "Cookie: \(cookie)\r\n" }
                if let body { head += "Content-Type: application/octet-stream\r\nContent-Length: \(body.count)\r\n" }
                try client.write(Array((head + "\r\n").utf8) + (body ?? []))
                let raw = String(decoding: try client.readToEnd(), as: UTF8.self)
                guard let split = raw.range(of: "\r\n\r\n") else { throw TestFailure("no HTTP response") }
                let status = Int(raw[..<split.lowerBound].split(separator: " ").dropFirst().first ?? "") ?? 0
                var payload = String(raw[split.upperBound...])
                if raw[..<split.lowerBound].lowercased().contains("transfer-encoding: chunked") {
                    payload = OneC.dechunk(payload)
                }
                return (status, payload)
            }
        }

        /// A chunked body's data.
        static func dechunk(_ text: String) -> String {
            var result = ""
            var rest = Substring(text)
            while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
                let start = lineEnd.upperBound
                let end = rest.utf8.index(start, offsetBy: size)
                result += rest[start..<end]
                rest = Substring(rest[end...].utf8.dropFirst(2))
            }
            return result
        }

        static func basic(_ login: String, _ password: String) -> String {
            "Basic " + Data("\(login):\(password)".utf8).base64EncodedString()
        }

        /// checkauth; on success the cookie is kept for the next calls.
        mutating func signIn(_ type: String, _ login: String = "1c", _ password: String = RunningServer.demoPassword) async throws -> String
        {
            let answer = try await call("type=\(type)&mode=checkauth", authorization: Self.basic(login, password))
            let lines = answer.text.split(separator: "\n").map(String.init)
            if answer.status == 200, lines.count == 3, lines[0] == "success" { cookie = "\(lines[1])=\(lines[2])" }
            return answer.text
        }

        /// init, then every file in parts, then import of each named one; returns the import answers.
        func upload(_ type: String, files: [(String, [UInt8])], parts: Int = 2) async throws -> [String: String] {
            let initAnswer = try await call("type=\(type)&mode=init")
            #expect(initAnswer.text.hasPrefix("zip=no\nfile_limit="), "\(initAnswer.text)")
            for (name, bytes) in files {
                let size = (bytes.count + parts - 1) / parts
                for start in stride(from: 0, to: bytes.count, by: size) {
                    let part = Array(bytes[start..<min(bytes.count, start + size)])
                    let answer = try await call("type=\(type)&mode=file&filename=\(name)", body: part)
                    #expect(answer.text == "success", "\(name): \(answer.text)")
                }
            }
            var out: [String: String] = [:]
            for (name, _) in files where name.hasSuffix(".xml") {
                out[name] = try await call("type=\(type)&mode=import&filename=\(name)").text
            }
            return out
        }
    }

    static let importXML = """
        <?xml version="1.0" encoding="UTF-8"?>
        <КоммерческаяИнформация ВерсияСхемы="2.03" ДатаФормирования="2026-12-01T10:00:00">
          <Классификатор>
            <Ид>cls-1</Ид><Наименование>Классификатор</Наименование>
            <Группы>
              <Группа><Ид>g-cable</Ид><Наименование>Кабельная продукция</Наименование>
                <Группы><Группа><Ид>g-power</Ид><Наименование>Силовой кабель</Наименование></Группа></Группы>
              </Группа>
              <Группа><Ид>g-breakers</Ид><Наименование>Автоматические выключатели</Наименование></Группа>
            </Группы>
          </Классификатор>
          <Каталог>
            <Ид>cat-1</Ид><ИдКлассификатора>cls-1</ИдКлассификатора><Наименование>Основной каталог</Наименование>
            <Товары>
              <Товар><Ид>1c-p-vvg</Ид><Артикул>1C-ВВГ-325</Артикул><Наименование>Кабель ВВГнг 3х2,5 «Элкаб»</Наименование>
                <БазоваяЕдиница Код="006" НаименованиеПолное="Метр">м</БазоваяЕдиница><Группы><Ид>g-power</Ид></Группы></Товар>
              <Товар><Ид>1c-p-va47</Ид><Артикул>1C-ВА47-16</Артикул><Наименование>Автомат ВА47-29 1P 16А</Наименование>
                <БазоваяЕдиница Код="796" НаименованиеПолное="Штука">шт</БазоваяЕдиница><Группы><Ид>g-breakers</Ид></Группы></Товар>
            </Товары>
          </Каталог>
        </КоммерческаяИнформация>
        """

    static let offersXML = """
        <?xml version="1.0" encoding="windows-1251"?>
        <КоммерческаяИнформация ВерсияСхемы="2.03">
          <ПакетПредложений>
            <Ид>cat-1#</Ид><Наименование>Пакет предложений</Наименование>
            <ТипыЦен><ТипЦены><Ид>pt-opt</Ид><Наименование>Оптовая</Наименование><Валюта>руб</Валюта></ТипЦены></ТипыЦен>
            <Предложения>
              <Предложение><Ид>1c-p-vvg</Ид><Наименование>Кабель ВВГнг 3х2,5</Наименование>
                <Цены><Цена><ИдТипаЦены>pt-opt</ИдТипаЦены><ЦенаЗаЕдиницу>95.50</ЦенаЗаЕдиницу><Валюта>руб</Валюта></Цена></Цены>
                <Количество>1500</Количество></Предложение>
              <Предложение><Ид>1c-p-va47</Ид>
                <Цены><Цена><ИдТипаЦены>pt-opt</ИдТипаЦены><ЦенаЗаЕдиницу>240,00</ЦенаЗаЕдиницу><Валюта>руб</Валюта></Цена></Цены>
                <Количество>37</Количество></Предложение>
            </Предложения>
          </ПакетПредложений>
        </КоммерческаяИнформация>
        """

    /// windows-1251 by hand (ASCII, А–я, Ё, ё, «»).
    static func windows1251(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { s -> UInt8 in
            switch s.value {
            case 0..<0x80: return UInt8(s.value)
            case 0x410...0x44F: return UInt8(s.value - 0x410 + 0xC0)
            case 0x401: return 0xA8
            case 0x451: return 0xB8
            case 0xAB, 0xBB: return UInt8(s.value)
            default: return UInt8(ascii: "?")
            }
        }
    }

    static func scalar<T: PostgresDecodable>(_ server: RunningServer, _ query: PostgresQuery, as type: T.Type = T.self) async throws -> T {
        try await ownerQuery(server, query)[0].decode(T.self, at: 0)
    }

    /// Rows of the tables the exchange writes, with their versions, and the audit entries on them.
    static func snapshot(_ server: RunningServer) async throws -> String {
        try await scalar(
            server,
            """
            select concat_ws(' | ',
              (select string_agg(concat_ws(',', external_id, name, article, unit, price, currency, stock, active, category_id, version), ';' order by id) from crm.products),
              (select string_agg(concat_ws(',', external_id, name, parent_id, version), ';' order by id) from crm.product_categories),
              (select string_agg(concat_ws(',', id, onec_number, onec_status, onec_paid_on, version), ';' order by id) from crm.deals),
              (select string_agg(concat_ws(',', id, amount, external_id), ';' order by id) from crm.payments),
              (select count(*) from audit.log where table_name in ('crm.products', 'crm.product_categories', 'crm.deals', 'crm.payments', 'crm.invoices')))
            """)
    }

    @Test("catalog: checkauth, init, files in two parts (UTF-8 and windows-1251), import; a re-run and a broken file change nothing")
    func catalog() async throws {
        let server = try await RunningServer.start(demo: true)
        var onec = OneC(server: server)

        // Refusals: wrong password, a user without an integration role, no session.
        #expect(try await onec.signIn("catalog", "1c", "wrong").hasPrefix("failure\n"))
        let manager = try await onec.signIn("catalog", "manager.msk")
        #expect(manager == "failure\nэто не учётная запись обмена: пользователю нужна роль интеграции", "\(manager)")
        #expect(try await onec.call("type=catalog&mode=init").text == "failure\nнет сеанса обмена: сначала выполните mode=checkauth")
        let signedIn = try await onec.signIn("catalog")
        #expect(signedIn.hasPrefix("success\ncrm_1c\n"), "\(signedIn)")

        let files: [(String, [UInt8])] = [("import.xml", Array(Self.importXML.utf8)), ("offers.xml", Self.windows1251(Self.offersXML))]
        let first = try await onec.upload("catalog", files: files)
        #expect(first == ["import.xml": "success", "offers.xml": "success"], "\(first)")

        let products = try await ownerQuery(
            server,
            """
            select p.name, p.article, p.unit, p.price::text, p.currency, p.stock::text, c.name, pc.name
              from crm.products p join crm.product_categories c on c.id = p.category_id
              left join crm.product_categories pc on pc.id = c.parent_id
             where p.external_id like '1c-p-%' order by p.external_id
            """
        ).map { try $0.decode((String, String?, String, String, String, String, String, String?).self) }
        #expect(products.count == 2)
        #expect(products.first?.0 == "Автомат ВА47-29 1P 16А" && products.first?.3 == "240.00" && products.first?.5 == "37.000")
        #expect(products.last?.0 == "Кабель ВВГнг 3х2,5 «Элкаб»" && products.last?.2 == "м" && products.last?.3 == "95.50")
        #expect(products.last?.6 == "Силовой кабель" && products.last?.7 == "Кабельная продукция")

        // The same files again: nothing changes (no version, no audit row).
        let before = try await Self.snapshot(server)
        #expect(try await onec.upload("catalog", files: files, parts: 3) == ["import.xml": "success", "offers.xml": "success"])
        #expect(try await Self.snapshot(server) == before)

        // A path leaving the folder, an unknown version, bad XML, a product of an unknown group
        // after a good one: failure with the reason, and nothing changed.
        _ = try await onec.call("type=catalog&mode=init")
        let escape = try await onec.call("type=catalog&mode=file&filename=../../etc/x.xml", body: Array("x".utf8))
        #expect(escape.text == "failure\nимя файла ../../etc/x.xml выходит за пределы папки обмена", "\(escape.text)")
        #expect(try await onec.call("type=catalog&mode=file&filename=import_files/ab/abcd.png", body: [0x89, 0x50]).text == "success")
        // (the first product's new name is written before the second fails: rolled back too)
        let changed = Self.importXML.replacingOccurrences(of: "Кабель ВВГнг 3х2,5 «Элкаб»", with: "Кабель изменённый")
            .replacingOccurrences(of: "<Группы><Ид>g-breakers</Ид></Группы>", with: "<Группы><Ид>g-none</Ид></Группы>")
        let answers = try await onec.upload(
            "catalog",
            files: [
                ("broken.xml", Array(changed.utf8)), ("version.xml", Array("<КоммерческаяИнформация ВерсияСхемы=\"1.0\"/>".utf8)),
                ("bad.xml", Array("<КоммерческаяИнформация><Каталог>".utf8)),
            ])
        #expect(answers["broken.xml"] == "failure\nу товара 1c-p-va47 неизвестная группа g-none", "\(answers)")
        #expect(answers["version.xml"]?.hasPrefix("failure\nнеизвестная версия схемы CommerceML 1.0") == true, "\(answers)")
        #expect(answers["bad.xml"]?.hasPrefix("failure\nошибка XML в строке") == true, "\(answers)")
        #expect(
            try await onec.call("type=catalog&mode=import&filename=missing.xml").text
                == "failure\nфайл missing.xml не передавался в этом сеансе обмена")
        #expect(try await Self.snapshot(server) == before)

        // Every step is logged, and audited by the database.
        let logged = try await Self.scalar(server, "select count(*) from crm_private.exchange_log where status = 'failure'", as: Int64.self)
        #expect(logged >= 5)
        let audited = try await Self.scalar(server, "select count(*) from audit.log where action = 'exchange'", as: Int64.self)
        #expect(audited >= 15)
        try await server.stop()
    }

    @Test("sale: query gives the orders as CommerceML, success marks them, 1C's answer records its number, status and payment once")
    func sale() async throws {
        let server = try await RunningServer.start(demo: true)
        var onec = OneC(server: server)
        #expect(try await onec.signIn("catalog").hasPrefix("success"))
        #expect(
            try await onec.upload(
                "catalog", files: [("import.xml", Array(Self.importXML.utf8)), ("offers.xml", Self.windows1251(Self.offersXML))]
            ).values.allSatisfy { $0 == "success" })

        // A deal at the stage «order» with a counterparty and a line of a 1C product.
        let deal = try await Self.scalar(
            server,
            """
            with m as (select id from crm.users where login = 'manager.msk'),
                 cl as (insert into crm.clients (name, owner_id) select 'ООО «Электромонтаж»', m.id from m returning id),
                 cp as (insert into crm.counterparties (client_id, legal_name, inn, kpp)
                        select cl.id, 'ООО «Электромонтаж»', '7701234560', '773601001' from cl returning id, client_id),
                 s as (select s.id, s.pipeline_id from crm.stages s where s.code = 'order' order by s.id limit 1)
            insert into crm.deals (title, client_id, counterparty_id, pipeline_id, stage_id, owner_id)
            select 'Кабель для объекта', cp.client_id, cp.id, s.pipeline_id, s.id, m.id from cp, s, m returning id
            """, as: Int64.self)
        _ = try await ownerQuery(
            server,
            """
            insert into crm.deal_lines (deal_id, product_id, quantity, price)
            select \(deal), p.id, 20, 95.50 from crm.products p where p.external_id = '1c-p-vvg'
            """)

        var sale = OneC(server: server)
        #expect(try await sale.signIn("sale").hasPrefix("success"))
        #expect(try await sale.call("type=sale&mode=init").text.hasPrefix("zip=no"))
        let query = try await sale.call("type=sale&mode=query").text
        #expect(query.contains("<Ид>\(deal)</Ид>"), "\(query.prefix(400))")
        #expect(
            query.contains("<ХозОперация>Заказ товара</ХозОперация>") && query.contains("<ИНН>7701234560</ИНН>")
                && query.contains("<КПП>773601001</КПП>"))
        #expect(query.contains("<Ид>1c-p-vvg</Ид>") && query.contains("<Сумма>1910.00</Сумма>"))
        #expect(try await sale.call("type=sale&mode=success").text == "success")
        #expect(!(try await sale.call("type=sale&mode=query").text.contains("<Документ>")), "delivered orders are not sent again")
        _ = try await sale.call("type=sale&mode=success")

        // 1C's answer: its number, the status, the payment date.
        let answer = """
            <?xml version="1.0" encoding="UTF-8"?>
            <КоммерческаяИнформация ВерсияСхемы="2.05">
              <Документ>
                <Ид>\(deal)</Ид><Номер>\(deal)</Номер><Дата>2026-12-01</Дата><ХозОперация>Заказ товара</ХозОперация>
                <Валюта>руб</Валюта><Сумма>1910.00</Сумма>
                <ЗначенияРеквизитов>
                  <ЗначениеРеквизита><Наименование>Номер по 1С</Наименование><Значение>УТ-000123</Значение></ЗначениеРеквизита>
                  <ЗначениеРеквизита><Наименование>Дата оплаты по 1С</Наименование><Значение>2026-12-03T12:00:00</Значение></ЗначениеРеквизита>
                  <ЗначениеРеквизита><Наименование>Статус заказа</Наименование><Значение>[F] Доставлен</Значение></ЗначениеРеквизита>
                </ЗначенияРеквизитов>
              </Документ>
            </КоммерческаяИнформация>
            """
        let imported = try await sale.upload("sale", files: [("orders-1c.xml", Array(answer.utf8))])
        #expect(imported == ["orders-1c.xml": "success"], "\(imported)")
        let row = try await ownerQuery(
            server,
            """
            select d.onec_number, d.onec_status, d.onec_paid_on::text, i.status, i.paid_amount::text,
                   (select count(*) from crm.payments p join crm.invoices x on x.id = p.invoice_id where x.deal_id = d.id)
              from crm.deals d join crm.invoices i on i.deal_id = d.id where d.id = \(deal)
            """
        ).map { try $0.decode((String?, String?, String?, String, String, Int64).self) }
        #expect(row.first?.0 == "УТ-000123" && row.first?.1 == "[F] Доставлен" && row.first?.2 == "2026-12-03", "\(row)")
        #expect(row.first?.3 == "paid" && row.first?.4 == "1910.00" && row.first?.5 == 1, "\(row)")

        // The same answer again changes nothing, and 1C's own changes are not sent back to it.
        let before = try await Self.snapshot(server)
        #expect(try await sale.upload("sale", files: [("orders-1c.xml", Array(answer.utf8))]) == ["orders-1c.xml": "success"])
        #expect(try await Self.snapshot(server) == before)
        #expect(!(try await sale.call("type=sale&mode=query").text.contains("<Документ>")))

        // An order of 1C's own without a buyer's ИНН beside ours: skipped, the rest is read, nothing changes.
        let document = String(answer[answer.range(of: "<Документ>")!.lowerBound..<answer.range(of: "</Документ>")!.upperBound])
        let unknown = answer.replacingOccurrences(
            of: "</КоммерческаяИнформация>",
            with: document.replacingOccurrences(of: "<Ид>\(deal)</Ид><Номер>\(deal)</Номер>", with: "<Ид>999999</Ид><Номер>УТ-77</Номер>")
                + "</КоммерческаяИнформация>")
        #expect(try await sale.upload("sale", files: [("x.xml", Array(unknown.utf8))]) == ["x.xml": "success"])
        let counted = try await Self.scalar(
            server,
            "select details::text from crm_private.exchange_log where filename = 'x.xml' and mode = 'import' order by id desc limit 1",
            as: String.self)
        #expect(counted.contains("\"orders_skipped\": 1") && counted.contains("\"orders_unchanged\": 1"), "\(counted)")

        #expect(try await Self.snapshot(server) == before, "an order without a buyer's ИНН is skipped")

        // Orders made in 1C: the buyer matched by ИНН+КПП (the one above) or a new client; a deal
        // with the lines, at the order stage; a second import finds them by their 1C id.
        let own = """
            <?xml version="1.0" encoding="UTF-8"?>
            <КоммерческаяИнформация ВерсияСхемы="2.08">
              <Контейнер><Документ>
                <Ид>a1b2c3d4-0001</Ид><Номер>УТ-000200</Номер><Дата>2026-12-02</Дата><ХозОперация>Заказ товара</ХозОперация>
                <Валюта>руб</Валюта><Сумма>480.00</Сумма>
                <Контрагенты><Контрагент><Ид>k-1</Ид><Наименование>Электромонтаж</Наименование><ИНН>7701234560</ИНН><КПП>773601001</КПП></Контрагент></Контрагенты>
                <Товары><Товар><Ид>1c-p-va47</Ид><ЦенаЗаЕдиницу>240.00</ЦенаЗаЕдиницу><Количество>2</Количество><Сумма>480.00</Сумма></Товар></Товары>
              </Документ></Контейнер>
              <Контейнер><Документ>
                <Ид>a1b2c3d4-0002</Ид><Номер>УТ-000201</Номер><Дата>2026-12-02</Дата><ХозОперация>Заказ товара</ХозОперация>
                <Валюта>руб</Валюта><Сумма>955.00</Сумма>
                <Контрагенты><Контрагент><Ид>k-2</Ид><Наименование>ООО «Новый покупатель»</Наименование><ИНН>7707083893</ИНН><КПП>773601001</КПП></Контрагент></Контрагенты>
                <Товары><Товар><Ид>1c-p-vvg</Ид><ЦенаЗаЕдиницу>95.50</ЦенаЗаЕдиницу><Количество>10</Количество><Сумма>955.00</Сумма></Товар></Товары>
                <ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Номер по 1С</Наименование><Значение>УТ-000201</Значение></ЗначениеРеквизита></ЗначенияРеквизитов>
              </Документ></Контейнер>
            </КоммерческаяИнформация>
            """
        #expect(try await sale.upload("sale", files: [("own.xml", Array(own.utf8))]) == ["own.xml": "success"])
        let made = try await ownerQuery(
            server,
            """
            select d.onec_id, d.amount::text, c.name, cp.inn, (select count(*) from crm.counterparties x where x.inn = cp.inn)
              from crm.deals d join crm.clients c on c.id = d.client_id join crm.counterparties cp on cp.id = d.counterparty_id
             where d.onec_id is not null order by d.onec_id
            """
        ).map { try $0.decode((String, String, String, String, Int64).self) }
        #expect(made.count == 2, "\(made)")
        #expect(made.first?.1 == "480.00" && made.first?.2 == "ООО «Электромонтаж»" && made.first?.4 == 1, "matched by ИНН+КПП: \(made)")
        #expect(made.last?.1 == "955.00" && made.last?.2 == "ООО «Новый покупатель»" && made.last?.4 == 1, "a new client: \(made)")
        let afterOwn = try await Self.snapshot(server)
        #expect(try await sale.upload("sale", files: [("own.xml", Array(own.utf8))]) == ["own.xml": "success"])
        #expect(try await Self.snapshot(server) == afterOwn)
        #expect(!(try await sale.call("type=sale&mode=query").text.contains("<Документ>")), "1C's own orders are not sent back unchanged")
        try await server.stop()
    }

    @Test("a larger catalog (2,000 products in 40 groups, their offers) imports in one request each; the re-import changes nothing")
    func largerCatalog() async throws {
        let server = try await RunningServer.start(demo: true)
        var onec = OneC(server: server)
        #expect(try await onec.signIn("catalog").hasPrefix("success"))
        var catalog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"2.10\">\n"
        catalog += "<Классификатор><Ид>cls</Ид><Наименование>Классификатор</Наименование><Группы>\n"
        for g in 0..<40 { catalog += "<Группа><Ид>grp-\(g)</Ид><Наименование>Группа товаров № \(g)</Наименование></Группа>\n" }
        catalog += "</Группы></Классификатор>\n<Каталог СодержитТолькоИзменения=\"false\"><Ид>cat</Ид><Товары>\n"
        var offers =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"2.10\"><ПакетПредложений><Предложения>\n"
        for n in 0..<2000 {
            catalog += "<Товар><Ид>bulk-\(n)</Ид><Артикул>BULK-\(n)</Артикул><Наименование>Товар номер \(n)</Наименование>"
            catalog += "<БазоваяЕдиница Код=\"796\" НаименованиеКраткое=\"шт\"/><Группы><Ид>grp-\(n % 40)</Ид></Группы></Товар>\n"
            offers += "<Предложение><Ид>bulk-\(n)</Ид><Цены><Цена><ЦенаЗаЕдиницу>\(n).25</ЦенаЗаЕдиницу><Валюта>руб</Валюта></Цена></Цены>"
            offers += "<Остатки><Остаток><Количество>\(n % 17)</Количество></Остаток></Остатки></Предложение>\n"
        }
        catalog += "</Товары></Каталог></КоммерческаяИнформация>\n"
        offers += "</Предложения></ПакетПредложений></КоммерческаяИнформация>\n"
        let files: [(String, [UInt8])] = [("import.xml", Array(catalog.utf8)), ("offers.xml", Array(offers.utf8))]
        let started = ContinuousClock.now
        #expect(try await onec.upload("catalog", files: files, parts: 4) == ["import.xml": "success", "offers.xml": "success"])
        let first = ContinuousClock.now - started
        let counts = try await ownerQuery(
            server,
            """
            select count(*), sum(price)::text, sum(stock)::text from crm.products where external_id like 'bulk-%' and active
            """
        ).map { try $0.decode((Int64, String, String).self) }
        #expect(counts.first?.0 == 2000)
        #expect(counts.first?.1 == "1999500.00", "Σ (n + 0.25)")
        #expect(counts.first?.2 == "\((0..<2000).reduce(0) { $0 + $1 % 17 }).000")
        let before = try await Self.snapshot(server)
        let again = ContinuousClock.now
        #expect(try await onec.upload("catalog", files: files, parts: 4) == ["import.xml": "success", "offers.xml": "success"])
        let second = ContinuousClock.now - again
        #expect(try await Self.snapshot(server) == before)
        print(
            "1C exchange: 2,000 products + offers (\(catalog.utf8.count + offers.utf8.count) bytes): first run \(first), re-run \(second)")
        try await server.stop()
    }

    @Test("the exchange account is refused outside its role's login networks, as every login is")
    func networks() async throws {
        let server = try await RunningServer.start(demo: true)
        var onec = OneC(server: server)
        _ = try await ownerQuery(
            server,
            "insert into crm.networks (network, role_id, purpose) select '10.20.0.0/16', id, 'login' from crm.roles where name = '1c_exchange'"
        )
        let refused = try await onec.signIn("catalog")
        #expect(refused.hasPrefix("failure\n") && onec.cookie == nil, "\(refused)")
        _ = try await ownerQuery(
            server,
            "insert into crm.networks (network, role_id, purpose) select '127.0.0.0/8', id, 'login' from crm.roles where name = '1c_exchange'"
        )
        #expect(try await onec.signIn("catalog").hasPrefix("success\ncrm_1c\n"))
        #expect(try await onec.call("type=catalog&mode=init").text.hasPrefix("zip=no"))
        // The closing calls some peers send; an unknown mode is refused with its name.
        #expect(try await onec.call("type=catalog&mode=complete").text == "success")
        #expect(try await onec.call("type=catalog&mode=deactivate").text == "success")
        #expect(try await onec.call("type=catalog&mode=frobnicate").text == "failure\nнеизвестный режим обмена frobnicate")
        #expect(try await onec.call("type=orders&mode=init").text == "failure\nнеизвестный тип обмена orders (catalog или sale)")
        try await server.stop()
    }

}

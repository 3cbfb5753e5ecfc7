import Foundation
import Testing

@testable import HTTPAPI

/// The CommerceML 2 reader (issue 14) on small hand-written files in Russian: the classifier's
/// groups, the catalog's products, the offers' prices and stock in the forms of schema 2.03
/// and 2.10, 1C's order documents, both encodings, and broken files.
@Suite("CommerceML reader")
struct CommerceMLReaderTests {
    static func items(_ xml: String, encoding: String = "UTF-8") throws -> [CommerceMLItem] {
        let data = encoding == "windows-1251" ? Data(Self.windows1251(xml)) : Data(xml.utf8)
        var out: [CommerceMLItem] = []
        try CommerceMLReader.read(data: data) { out.append($0) }
        return out
    }

    /// windows-1251 by hand (ASCII, А–я, Ё, ё, №, «»): enough for the samples.
    static func windows1251(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { s -> UInt8 in
            switch s.value {
            case 0..<0x80: return UInt8(s.value)
            case 0x410...0x44F: return UInt8(s.value - 0x410 + 0xC0)
            case 0x401: return 0xA8
            case 0x451: return 0xB8
            case 0x2116: return 0xB9
            case 0xAB: return 0xAB
            case 0xBB: return 0xBB
            default: return UInt8(ascii: "?")
            }
        }
    }

    static let import203 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <КоммерческаяИнформация ВерсияСхемы="2.03" ДатаФормирования="2026-12-01T10:00:00">
          <Классификатор>
            <Ид>cls-1</Ид>
            <Наименование>Классификатор (Основной каталог товаров)</Наименование>
            <Группы>
              <Группа>
                <Ид>g-1</Ид>
                <Наименование>Кабель</Наименование>
                <Группы>
                  <Группа><Ид>g-1-1</Ид><Наименование>Силовой кабель</Наименование></Группа>
                </Группы>
              </Группа>
              <Группа><Ид>g-2</Ид><Наименование>Автоматы</Наименование></Группа>
            </Группы>
          </Классификатор>
          <Каталог>
            <Ид>cat-1</Ид>
            <ИдКлассификатора>cls-1</ИдКлассификатора>
            <Наименование>Основной каталог товаров</Наименование>
            <СодержитТолькоИзменения>false</СодержитТолькоИзменения>
            <Товары>
              <Товар>
                <Ид>p-1</Ид>
                <Артикул>ВВГ-3х2.5</Артикул>
                <Наименование>Кабель ВВГнг 3×2,5 «Элкаб»</Наименование>
                <БазоваяЕдиница Код="006" НаименованиеПолное="Метр">м</БазоваяЕдиница>
                <Группы><Ид>g-1-1</Ид></Группы>
                <ЗначенияРеквизитов>
                  <ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование><Значение>Товар</Значение></ЗначениеРеквизита>
                </ЗначенияРеквизитов>
              </Товар>
              <Товар>
                <Ид>p-2</Ид>
                <Наименование>Автомат ВА47-29 1P 16А</Наименование>
                <БазоваяЕдиница Код="796" НаименованиеПолное="Штука" МеждународноеСокращение="PCE"/>
                <Группы><Ид>g-2</Ид></Группы>
                <ПометкаУдаления>false</ПометкаУдаления>
              </Товар>
            </Товары>
          </Каталог>
        </КоммерческаяИнформация>
        """

    @Test("import.xml 2.03: groups parent first, products with article, unit and group, a full catalog")
    func import203() throws {
        let items = try Self.items(Self.import203)
        #expect(items.count == 7, "\(items)")
        #expect(items[0] == .group(id: "g-1", name: "Кабель", parent: nil))
        #expect(items[1] == .group(id: "g-1-1", name: "Силовой кабель", parent: "g-1"))
        #expect(items[2] == .group(id: "g-2", name: "Автоматы", parent: nil))
        #expect(items[3] == .catalog(onlyChanges: false))
        #expect(
            items[4]
                == .product(
                    CommerceMLProduct(id: "p-1", article: "ВВГ-3х2.5", name: "Кабель ВВГнг 3×2,5 «Элкаб»", unit: "м", group: "g-1-1")))
        // The unit without text: its full name (2.04+ also НаименованиеКраткое).
        #expect(
            items[5] == .product(CommerceMLProduct(id: "p-2", article: nil, name: "Автомат ВА47-29 1P 16А", unit: "Штука", group: "g-2")))
        #expect(items[6] == .catalogEnd)
    }

    @Test("import.xml in windows-1251 reads the same as in UTF-8")
    func windows1251() throws {
        let xml = Self.import203.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"windows-1251\"")
            .replacingOccurrences(of: "×", with: "x")
        let expected = try Self.items(Self.import203.replacingOccurrences(of: "×", with: "x"))
        #expect(try Self.items(xml, encoding: "windows-1251") == expected)
    }

    @Test("offers.xml 2.03: price types, ЦенаЗаЕдиницу with a currency, Количество and a characteristic's id")
    func offers203() throws {
        let items = try Self.items(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <КоммерческаяИнформация ВерсияСхемы="2.03">
              <ПакетПредложений>
                <Ид>cat-1#</Ид>
                <Наименование>Пакет предложений</Наименование>
                <ТипыЦен>
                  <ТипЦены><Ид>pt-1</Ид><Наименование>Оптовая</Наименование><Валюта>руб</Валюта></ТипЦены>
                  <ТипЦены><Ид>pt-2</Ид><Наименование>Розничная</Наименование><Валюта>руб</Валюта></ТипЦены>
                </ТипыЦен>
                <Предложения>
                  <Предложение>
                    <Ид>p-1</Ид>
                    <Наименование>Кабель ВВГнг 3×2,5</Наименование>
                    <Цены>
                      <Цена><Представление>95,50 руб. за м</Представление><ИдТипаЦены>pt-1</ИдТипаЦены><ЦенаЗаЕдиницу>95.50</ЦенаЗаЕдиницу><Валюта>руб</Валюта></Цена>
                      <Цена><ИдТипаЦены>pt-2</ИдТипаЦены><ЦенаЗаЕдиницу>110,00</ЦенаЗаЕдиницу><Валюта>руб</Валюта></Цена>
                    </Цены>
                    <Количество>1500</Количество>
                  </Предложение>
                  <Предложение>
                    <Ид>p-2#v-white</Ид>
                    <Цены><Цена><ИдТипаЦены>pt-1</ИдТипаЦены><ЦенаЗаЕдиницу>240</ЦенаЗаЕдиницу><Валюта>RUB</Валюта></Цена></Цены>
                    <Склад ИдСклада="w-1" КоличествоНаСкладе="7"/>
                    <Склад ИдСклада="w-2" КоличествоНаСкладе="5"/>
                  </Предложение>
                </Предложения>
              </ПакетПредложений>
            </КоммерческаяИнформация>
            """)
        #expect(items.count == 4, "\(items)")
        #expect(items[0] == .priceType(id: "pt-1", name: "Оптовая", currency: "руб"))
        guard case .offer(let first) = items[2], case .offer(let second) = items[3] else {
            Issue.record("offers expected: \(items)")
            return
        }
        #expect(first.id == "p-1")
        #expect(first.prices.map(\.perUnit) == [Decimal(string: "95.50"), Decimal(110)])
        #expect(first.prices.map(\.priceTypeID) == ["pt-1", "pt-2"])
        #expect(first.quantity == 1500)
        #expect(second.id == "p-2#v-white")
        #expect(second.quantity == 12, "the warehouses' КоличествоНаСкладе summed")
    }

    @Test("offers 2.10: Остатки/Остаток/Количество and per warehouse, orders inside Контейнер")
    func version210() throws {
        let items = try Self.items(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <КоммерческаяИнформация ВерсияСхемы="2.10" ДатаФормирования="2026-12-01T10:00:00">
              <ПакетПредложений СодержитТолькоИзменения="true">
                <Ид>cat-1#</Ид>
                <Предложения>
                  <Предложение>
                    <Ид>p-1</Ид>
                    <Остатки><Остаток><Количество>42</Количество></Остаток></Остатки>
                  </Предложение>
                  <Предложение>
                    <Ид>p-2</Ид>
                    <Остатки>
                      <Остаток><Склад><Ид>w-1</Ид><Количество>3</Количество></Склад></Остаток>
                      <Остаток><Склад><Ид>w-2</Ид><Количество>4.5</Количество></Склад></Остаток>
                    </Остатки>
                  </Предложение>
                </Предложения>
              </ПакетПредложений>
            </КоммерческаяИнформация>
            """)
        guard items.count == 2, case .offer(let a) = items[0], case .offer(let b) = items[1] else {
            Issue.record("two offers expected: \(items)")
            return
        }
        #expect(a.quantity == 42 && a.prices.isEmpty)
        #expect(b.quantity == Decimal(string: "7.5"))
    }

    @Test("import.xml 2.10: СодержитТолькоИзменения as an attribute, Статус=Удален")
    func import210() throws {
        let items = try Self.items(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <КоммерческаяИнформация ВерсияСхемы="2.10">
              <Каталог СодержитТолькоИзменения="true">
                <Ид>cat-1</Ид>
                <Товары>
                  <Товар Статус="Удален"><Ид>p-9</Ид><Наименование>Снятый товар</Наименование></Товар>
                  <Товар><Ид>p-3</Ид><Наименование>Щиток</Наименование><БазоваяЕдиница Код="796" НаименованиеКраткое="шт"/></Товар>
                </Товары>
              </Каталог>
            </КоммерческаяИнформация>
            """)
        #expect(items.first == .catalog(onlyChanges: true))
        #expect(items[1] == .product(CommerceMLProduct(id: "p-9", name: "Снятый товар", deleted: true)))
        #expect(items[2] == .product(CommerceMLProduct(id: "p-3", name: "Щиток", unit: "шт")))
    }

    @Test("1C's documents (2.08+ in Контейнер): number, sum and the requisites, not the lines' own")
    func documents() throws {
        let items = try Self.items(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <КоммерческаяИнформация ВерсияСхемы="2.08">
              <Контейнер>
                <Документ>
                  <Ид>15</Ид><Номер>15</Номер><Дата>2026-12-01</Дата><ХозОперация>Заказ товара</ХозОперация>
                  <Валюта>руб</Валюта><Сумма>12500.00</Сумма>
                  <Контрагенты><Контрагент><Ид>c-1</Ид><Наименование>ООО «Ромашка»</Наименование></Контрагент></Контрагенты>
                  <Товары><Товар><Ид>p-1</Ид>
                    <ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование><Значение>Товар</Значение></ЗначениеРеквизита></ЗначенияРеквизитов>
                  </Товар></Товары>
                  <ЗначенияРеквизитов>
                    <ЗначениеРеквизита><Наименование>Номер по 1С</Наименование><Значение>УТ-000123</Значение></ЗначениеРеквизита>
                    <ЗначениеРеквизита><Наименование>Дата оплаты по 1С</Наименование><Значение>2026-12-03T12:00:00</Значение></ЗначениеРеквизита>
                    <ЗначениеРеквизита><Наименование>Статус заказа</Наименование><Значение>[N] Принят</Значение></ЗначениеРеквизита>
                  </ЗначенияРеквизитов>
                </Документ>
              </Контейнер>
            </КоммерческаяИнформация>
            """)
        guard items.count == 1, case .document(let d) = items[0] else {
            Issue.record("one document expected: \(items)")
            return
        }
        #expect(d.id == "15" && d.number == "15" && d.amount == 12500 && d.operation == "Заказ товара")
        #expect(d.requisites == ["Номер по 1С": "УТ-000123", "Дата оплаты по 1С": "2026-12-03T12:00:00", "Статус заказа": "[N] Принят"])
        #expect(d.counterparty == CommerceMLDocument.Counterparty(name: "ООО «Ромашка»", inn: nil, kpp: nil))
        #expect(d.lines.map(\.id) == ["p-1"])
        #expect(ExchangeImport.day("2026-12-03T12:00:00") == "2026-12-03")
        #expect(ExchangeImport.day("03.12.2026 12:00:00") == "2026-12-03")
        #expect(ExchangeImport.day("0001-01-01T00:00:00") == nil)
    }

    @Test("broken files fail with a reason: bad XML, an unknown version, not CommerceML, a bad number, a truncated file")
    func broken() throws {
        func reason(_ xml: String) -> String? {
            switch Result(catching: { try Self.items(xml) }) {
            case .success: return nil
            case .failure(let error): return (error as? CommerceMLError)?.message ?? "\(error)"
            }
        }
        #expect(
            reason("<КоммерческаяИнформация ВерсияСхемы=\"2.03\"><Каталог></Товары></КоммерческаяИнформация>")?.hasPrefix(
                "bad XML at line 1") == true)
        #expect(
            reason("<КоммерческаяИнформация ВерсияСхемы=\"3.01\"/>") == "unknown CommerceML schema version 3.01 (2.03 to 2.10 are read)")
        #expect(reason("<html><body/></html>") == "not a CommerceML document (no КоммерческаяИнформация)")
        #expect(
            reason(
                "<КоммерческаяИнформация><ПакетПредложений><Предложения><Предложение><Ид>p</Ид><Количество>много</Количество></Предложение></Предложения></ПакетПредложений></КоммерческаяИнформация>"
            ) == "offer p: Количество много is not a number")
        #expect(reason(String(Self.import203.prefix(600)))?.hasPrefix("bad XML") == true)
        // An error thrown by the consumer stops the parse and comes back as it was.
        struct Refused: Error {}
        var seen = 0
        #expect(throws: Refused.self) {
            try CommerceMLReader.read(data: Data(Self.import203.utf8)) { _ in
                seen += 1
                throw Refused()
            }
        }
        #expect(seen == 1)
    }

    @Test("file names: folders inside the exchange folder are fine, escaping paths are refused")
    func fileNames() throws {
        #expect(try ExchangeFolder.relativePath("import.xml") == "import.xml")
        #expect(try ExchangeFolder.relativePath("import_files/ab/abcd.png") == "import_files/ab/abcd.png")
        #expect(try ExchangeFolder.relativePath("import_files\\ab\\x.png") == "import_files/ab/x.png")
        for bad in ["../etc/passwd", "/etc/passwd", "a/../../b", "a//b", "./x", "C:\\x", "", "a\u{0}b"] {
            #expect(throws: CommerceMLError.self, "\(bad)") { try ExchangeFolder.relativePath(bad) }
        }
    }

    @Test("the order document: escaped values, the counterparty with ИНН/КПП, lines and the status")
    func writer() throws {
        let json = """
            {"delivery_id": 1, "orders": [{"id": 7, "version": 3, "title": "Поставка <кабеля> & монтаж", "date": "2026-12-01", "time": "10:00:00",
             "currency": "RUB", "amount": "1910.00", "status": "Заказ", "stage_code": "order", "stage_kind": "open", "onec_number": null,
             "client": {"id": 1, "name": "Ромашка"},
             "counterparty": {"id": 2, "legal_name": "ООО \\"Ромашка\\"", "inn": "7701234567", "kpp": "770101001", "address": ""},
             "lines": [{"product_id": 5, "external_id": "p-1", "article": "ВВГ", "name": "Кабель", "unit": "м", "price": "95.50", "quantity": "20.000", "amount": "1910.00"}]}]}
            """
        let orders = try JSONDecoder().decode(ExchangeOrders.self, from: Data(json.utf8))
        let xml = CommerceMLWriter.orders(orders.orders, generatedAt: "2026-12-04T05:00:00")
        #expect(xml.contains("<Комментарий>Поставка &lt;кабеля&gt; &amp; монтаж</Комментарий>"))
        #expect(xml.contains("<ИНН>7701234567</ИНН>") && xml.contains("<КПП>770101001</КПП>"))
        #expect(xml.contains("<ХозОперация>Заказ товара</ХозОперация>") && xml.contains("<Валюта>руб</Валюта>"))
        #expect(xml.contains("<Наименование>ООО &quot;Ромашка&quot;</Наименование>"))
        // It is CommerceML that our own reader reads back.
        let items = try Self.items(xml)
        guard case .document(let d)? = items.first else {
            Issue.record("\(items)")
            return
        }
        #expect(d.id == "7" && d.amount == Decimal(string: "1910.00") && d.requisites["Статус заказа"] == "Заказ")
    }
}

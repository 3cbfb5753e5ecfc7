import Foundation

/// The orders of a sale query as the database gives them (`crm_api.exchange_orders`).
struct ExchangeOrders: Decodable, Sendable {
    struct Order: Decodable, Sendable {
        struct Counterparty: Decodable, Sendable {
            var id: Int64
            var legal_name: String
            var inn: String
            var kpp: String?
            var address: String?
        }
        struct Line: Decodable, Sendable {
            var product_id: Int64
            var external_id: String?
            var article: String?
            var name: String
            var unit: String
            var price: String
            var quantity: String
            var amount: String
        }
        var id: Int64
        var title: String
        var date: String
        var time: String
        var currency: String
        var amount: String
        var status: String
        var stage_kind: String
        var onec_number: String?
        var counterparty: Counterparty
        var lines: [Line]
    }
    var delivery_id: Int64
    var orders: [Order]
}

/// Writes the orders as a CommerceML 2 document (schema 2.05, the form 1C:UT 11 and 1C:ERP read
/// from a site: `Документ` with `ХозОперация` «Заказ товара», role «Продавец», the counterparty
/// with ИНН/КПП, the lines and the status in `ЗначенияРеквизитов`).
enum CommerceMLWriter {
    static func orders(_ orders: [ExchangeOrders.Order], generatedAt: String) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<КоммерческаяИнформация ВерсияСхемы=\"2.05\" ДатаФормирования=\"\(escape(generatedAt))\">\n"
        for order in orders {
            out += "  <Документ>\n"
            field(&out, 4, "Ид", String(order.id))
            field(&out, 4, "Номер", String(order.id))
            field(&out, 4, "Дата", order.date)
            field(&out, 4, "Время", order.time)
            field(&out, 4, "ХозОперация", "Заказ товара")
            field(&out, 4, "Роль", "Продавец")
            field(&out, 4, "Валюта", currency(order.currency))
            field(&out, 4, "Курс", "1")
            field(&out, 4, "Сумма", order.amount)
            field(&out, 4, "Комментарий", order.title)
            out += "    <Контрагенты>\n      <Контрагент>\n"
            let c = order.counterparty
            field(&out, 8, "Ид", "counterparty-\(c.id)")
            field(&out, 8, "Наименование", c.legal_name)
            field(&out, 8, "ПолноеНаименование", c.legal_name)
            field(&out, 8, "ОфициальноеНаименование", c.legal_name)
            field(&out, 8, "ИНН", c.inn)
            if let kpp = c.kpp { field(&out, 8, "КПП", kpp) }
            if let address = c.address, !address.isEmpty {
                out += "        <ЮридическийАдрес>\n"
                field(&out, 10, "Представление", address)
                out += "        </ЮридическийАдрес>\n"
            }
            field(&out, 8, "Роль", "Покупатель")
            out += "      </Контрагент>\n    </Контрагенты>\n    <Товары>\n"
            for line in order.lines {
                out += "      <Товар>\n"
                field(&out, 8, "Ид", line.external_id ?? "crm-product-\(line.product_id)")
                if let article = line.article { field(&out, 8, "Артикул", article) }
                field(&out, 8, "Наименование", line.name)
                out += "        <БазоваяЕдиница НаименованиеПолное=\"\(escape(line.unit))\">\(escape(line.unit))</БазоваяЕдиница>\n"
                field(&out, 8, "ЦенаЗаЕдиницу", line.price)
                field(&out, 8, "Количество", line.quantity)
                field(&out, 8, "Сумма", line.amount)
                out += "        <ЗначенияРеквизитов>\n"
                requisite(&out, 10, "ВидНоменклатуры", "Товар")
                requisite(&out, 10, "ТипНоменклатуры", "Товар")
                out += "        </ЗначенияРеквизитов>\n"
                out += "      </Товар>\n"
            }
            out += "    </Товары>\n    <ЗначенияРеквизитов>\n"
            requisite(&out, 6, "Статус заказа", order.status)
            requisite(&out, 6, "Отменен", order.stage_kind == "lost" ? "true" : "false")
            if let number = order.onec_number { requisite(&out, 6, "Номер по 1С", number) }
            out += "    </ЗначенияРеквизитов>\n  </Документ>\n"
        }
        out += "</КоммерческаяИнформация>\n"
        return out
    }

    /// 1C's name of a currency: «руб» for RUB (what the sites' exchange writes), else the code.
    static func currency(_ code: String) -> String { code == "RUB" ? "руб" : code }

    static func field(_ out: inout String, _ indent: Int, _ name: String, _ value: String) {
        out += String(repeating: " ", count: indent) + "<\(name)>\(escape(value))</\(name)>\n"
    }

    static func requisite(_ out: inout String, _ indent: Int, _ name: String, _ value: String) {
        let pad = String(repeating: " ", count: indent)
        out += pad + "<ЗначениеРеквизита>\n"
        field(&out, indent + 2, "Наименование", name)
        field(&out, indent + 2, "Значение", value)
        out += pad + "</ЗначениеРеквизита>\n"
    }

    /// XML text: `&`, `<`, `>`, `"` escaped; characters XML 1.0 cannot carry dropped.
    static func escape(_ text: String) -> String { XMLText.escaped(text) }
}

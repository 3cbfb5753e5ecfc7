/// Every field a document template may name, with its type: what the deal, the client, the
/// counterparty, the product lines, the responsible, the company profile and the document
/// itself give. A template naming anything else is refused on save.
public struct TemplateFieldCatalog: Sendable {
    public let fields: [TemplateField]
    private let byPath: [String: TemplateField]

    public init(_ fields: [TemplateField]) {
        self.fields = fields
        self.byPath = Dictionary(uniqueKeysWithValues: fields.map { ($0.path, $0) })
    }

    public func field(_ path: String) -> TemplateField? { byPath[path] }

    /// The fields of one row of a list (`line.*` of `lines`).
    public func itemFields(of list: String) -> [TemplateField] {
        guard case .list(let item)? = byPath[list]?.type else { return [] }
        return fields.filter { $0.path.hasPrefix(item + ".") }
    }

    /// The item name of a list field (`line` for `lines`).
    func itemName(of list: String) -> String? {
        guard case .list(let item)? = byPath[list]?.type else { return nil }
        return item
    }

    /// Whether a field belongs to a list's rows (is `item.something` of some list).
    func isItemField(_ path: String) -> String? {
        for field in fields {
            if case .list(let item) = field.type, path.hasPrefix(item + ".") { return item }
        }
        return nil
    }

    public static let standard = TemplateFieldCatalog([
        TemplateField("document.number", .integer, "номер документа (свой счёт по виду и году)"),
        TemplateField("document.date", .date, "дата документа"),
        TemplateField("document.title", .text, "вид документа: «Счёт на оплату», «Договор», …"),
        TemplateField("document.currency", .text, "код валюты (RUB)"),
        TemplateField("document.total", .money, "итого по строкам"),
        TemplateField("document.vat_amount", .money, "НДС в итоге"),
        TemplateField("document.vat_label", .text, "«В том числе НДС (20%)» или «Без НДС»"),
        TemplateField("document.vat_rate", .text, "ставка НДС: «20%» или «без НДС»"),
        TemplateField("document.has_vat", .flag, "есть ли НДС (для {{#if document.has_vat}})"),
        TemplateField("document.line_count", .integer, "число строк (наименований)"),
        TemplateField("deal.id", .integer, "номер сделки"),
        TemplateField("deal.title", .text, "название сделки"),
        TemplateField("deal.amount", .money, "сумма сделки"),
        TemplateField("deal.expected_close_date", .date, "ожидаемая дата закрытия"),
        TemplateField("deal.created_at", .date, "дата создания сделки"),
        TemplateField("client.id", .integer, "номер клиента"),
        TemplateField("client.name", .text, "клиент"),
        TemplateField("contact.name", .text, "контактное лицо клиента (первое)"),
        TemplateField("contact.position", .text, "его должность"),
        TemplateField("counterparty.legal_name", .text, "контрагент: полное наименование"),
        TemplateField("counterparty.inn", .text, "ИНН"),
        TemplateField("counterparty.kpp", .text, "КПП"),
        TemplateField("counterparty.ogrn", .text, "ОГРН / ОГРНИП"),
        TemplateField("counterparty.address", .text, "адрес"),
        TemplateField("counterparty.bank_name", .text, "банк"),
        TemplateField("counterparty.bik", .text, "БИК"),
        TemplateField("counterparty.account", .text, "расчётный счёт"),
        TemplateField("counterparty.correspondent_account", .text, "корреспондентский счёт"),
        TemplateField("company.legal_name", .text, "наша организация: полное наименование"),
        TemplateField("company.inn", .text, "ИНН"),
        TemplateField("company.kpp", .text, "КПП"),
        TemplateField("company.ogrn", .text, "ОГРН"),
        TemplateField("company.address", .text, "адрес"),
        TemplateField("company.phone", .text, "телефон"),
        TemplateField("company.email", .text, "e-mail"),
        TemplateField("company.bank_name", .text, "банк"),
        TemplateField("company.bik", .text, "БИК"),
        TemplateField("company.account", .text, "расчётный счёт"),
        TemplateField("company.correspondent_account", .text, "корреспондентский счёт"),
        TemplateField("company.director_title", .text, "должность руководителя"),
        TemplateField("company.director_name", .text, "руководитель (подпись)"),
        TemplateField("company.accountant_name", .text, "главный бухгалтер (подпись)"),
        TemplateField("company.logo", .image, "логотип"),
        TemplateField("responsible.name", .text, "ответственный по сделке"),
        TemplateField("responsible.email", .text, "его e-mail"),
        TemplateField("responsible.phone", .text, "его телефон"),
        TemplateField("lines", .list(item: "line"), "строки: товары и услуги сделки"),
        TemplateField("line.number", .integer, "№ строки"),
        TemplateField("line.name", .text, "наименование"),
        TemplateField("line.article", .text, "артикул"),
        TemplateField("line.unit", .text, "единица измерения"),
        TemplateField("line.quantity", .quantity, "количество"),
        TemplateField("line.price", .money, "цена"),
        TemplateField("line.amount", .money, "сумма"),
        TemplateField("line.vat_amount", .money, "НДС в сумме строки"),
    ])
}

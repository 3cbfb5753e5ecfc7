import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// What a CommerceML 2 file says, one item at a time, in document order.
public enum CommerceMLItem: Sendable, Equatable {
    /// A group of the classifier (`Классификатор/Группы/Группа`, nested), parent first.
    case group(id: String, name: String, parent: String?)
    /// The catalog opens; `onlyChanges == false` means a full catalog.
    case catalog(onlyChanges: Bool)
    /// A product (`Каталог/Товары/Товар`).
    case product(CommerceMLProduct)
    /// The catalog ended (after its last product).
    case catalogEnd
    /// A price type (`ПакетПредложений/ТипыЦен/ТипЦены`).
    case priceType(id: String, name: String, currency: String?)
    /// An offer (`ПакетПредложений/Предложения/Предложение`).
    case offer(CommerceMLOffer)
    /// A document (`Документ`, in 2.08+ inside `Контейнер`): an order and what 1C says of it.
    case document(CommerceMLDocument)
}

public struct CommerceMLProduct: Sendable, Equatable {
    public var id = ""
    public var article: String?
    public var name = ""
    public var unit: String?
    public var group: String?
    /// `Статус="Удален"` (2.08+) or `ПометкаУдаления` true.
    public var deleted = false
}

public struct CommerceMLOffer: Sendable, Equatable {
    public struct Price: Sendable, Equatable {
        public var priceTypeID: String?
        public var perUnit: Decimal?
        public var currency: String?
    }
    public var id = ""
    public var prices: [Price] = []
    /// `Количество` (2.03–2.07), else the sum of `Остатки/Остаток` (2.08+) or of the warehouses'
    /// `КоличествоНаСкладе`; nil when the file says nothing of stock.
    public var quantity: Decimal?
}

public struct CommerceMLDocument: Sendable, Equatable {
    public var id = ""
    public var number: String?
    public var date: String?
    public var operation: String?
    public var currency: String?
    public var amount: Decimal?
    /// `ЗначенияРеквизитов/ЗначениеРеквизита`: name → value.
    public var requisites: [String: String] = [:]
    /// The buyer (`Контрагенты/Контрагент`, the first): name, ИНН, КПП.
    public var counterparty: Counterparty?
    /// `Товары/Товар`: the product's Ид, Количество, ЦенаЗаЕдиницу.
    public var lines: [Line] = []

    public struct Counterparty: Sendable, Equatable, Codable {
        public var name = ""
        public var inn: String?
        public var kpp: String?
    }

    public struct Line: Sendable, Equatable, Codable {
        public var id = ""
        public var quantity: Decimal?
        public var price: Decimal?
    }
}

/// A failure reading a CommerceML file: the reason as said to 1C.
public struct CommerceMLError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    static func fail(_ message: String) -> CommerceMLError { CommerceMLError(message: message) }
}

/// Reads CommerceML 2 (schema versions 2.03–2.10) with Foundation's streaming `XMLParser`, fed
/// from the file in chunks (never read whole); the encoding is the XML declaration's (UTF-8 or
/// windows-1251, decoded by libxml2). Items are handed to `emit` as they end; an error thrown by
/// `emit` stops the parse and is rethrown. Runs synchronously: call it from a thread of its own.
///
/// Where the versions differ: stock is `Предложение/Количество` up to 2.07 and
/// `Остатки/Остаток/Количество` (or per warehouse `Остаток/Склад/Количество`) from 2.08; a
/// deleted product is `ПометкаУдаления` in 2.03/2.04 and `Статус="Удален"` later; orders sit in
/// `Контейнер` from 2.08; `СодержитТолькоИзменения` is an element of `Каталог` in 2.03 and an
/// attribute later. Both forms are read whatever the declared version.
public enum CommerceMLReader {
    public static let versions: Set<String> = ["2.03", "2.04", "2.05", "2.06", "2.07", "2.08", "2.09", "2.10"]

    public static func read(url: URL, _ emit: @escaping (CommerceMLItem) throws -> Void) throws {
        guard let stream = InputStream(url: url) else { throw CommerceMLError.fail("cannot open the file \(url.lastPathComponent)") }
        try read(parser: XMLParser(stream: stream), emit)
    }

    public static func read(data: Data, _ emit: @escaping (CommerceMLItem) throws -> Void) throws {
        try read(parser: XMLParser(data: data), emit)
    }

    static func read(parser: XMLParser, _ emit: @escaping (CommerceMLItem) throws -> Void) throws {
        let delegate = Delegate(emit: emit)
        parser.delegate = delegate
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        if let failure = delegate.failure { throw failure }
        if !ok || delegate.depth != 0 {
            let line = parser.lineNumber
            guard let failure = parser.parserError else {
                throw CommerceMLError.fail("bad XML at line \(line): the document ends early")
            }
            throw CommerceMLError.fail("bad XML at line \(line): libxml2 error \((failure as NSError).code)")
        }
        if !delegate.sawRoot { throw CommerceMLError.fail("not a CommerceML document (no КоммерческаяИнформация)") }
    }

    final class Delegate: NSObject, XMLParserDelegate {
        let emit: (CommerceMLItem) throws -> Void
        var failure: (any Error)?
        var path: [String] = []
        var text = ""
        var sawRoot = false
        var depth: Int { path.count }

        // groups: a stack of (id, name, emitted)
        var groups: [(id: String, name: String, emitted: Bool)] = []
        var product: CommerceMLProduct?
        var productDepth = 0
        var catalogDepth = 0
        var catalogAnnounced = false
        var onlyChanges = true
        var priceType: (id: String, name: String, currency: String?)?
        var offer: CommerceMLOffer?
        var offerDepth = 0
        var price: CommerceMLOffer.Price?
        var stockSum: Decimal?
        var document: CommerceMLDocument?
        var documentDepth = 0
        var requisite: (name: String, value: String)?
        var line: CommerceMLDocument.Line?

        init(emit: @escaping (CommerceMLItem) throws -> Void) { self.emit = emit }

        func send(_ item: CommerceMLItem, _ parser: XMLParser) {
            guard failure == nil else { return }
            do { try emit(item) } catch {
                failure = error
                parser.abortParsing()
            }
        }

        func stop(_ parser: XMLParser, _ error: CommerceMLError) {
            guard failure == nil else { return }
            failure = error
            parser.abortParsing()
        }

        var parent: String? { path.count >= 2 ? path[path.count - 2] : nil }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String]
        ) {
            guard failure == nil else { return }
            let outer = path.last
            path.append(name)
            text = ""
            if path.count == 1 {
                guard name == "КоммерческаяИнформация" else {
                    return stop(parser, .fail("not a CommerceML document (no КоммерческаяИнформация)"))
                }
                sawRoot = true
                if let version = attributes["ВерсияСхемы"], !CommerceMLReader.versions.contains(version) {
                    return stop(parser, .fail("unknown CommerceML schema version \(version) (2.03 to 2.10 are read)"))
                }
                return
            }
            switch name {
            case "Группа" where outer == "Группы" && product == nil:
                flushGroup(parser)
                groups.append((id: "", name: "", emitted: false))
            case "Группы" where outer == "Группа" && product == nil:
                flushGroup(parser)
            case "Каталог":
                catalogDepth = path.count
                catalogAnnounced = false
                onlyChanges = attributes["СодержитТолькоИзменения"].map { $0 != "false" } ?? true
            case "Товары" where path.count == catalogDepth + 1:
                announceCatalog(parser)
            case "Товар" where outer == "Товары" && catalogDepth > 0 && document == nil:
                product = CommerceMLProduct()
                productDepth = path.count
                if attributes["Статус"] == "Удален" { product?.deleted = true }
            case "БазоваяЕдиница" where product != nil && path.count == productDepth + 1:
                product?.unit = attributes["НаименованиеКраткое"] ?? attributes["НаименованиеПолное"]
            case "ТипЦены" where outer == "ТипыЦен":
                priceType = (id: "", name: "", currency: nil)
            case "Предложение" where outer == "Предложения":
                offer = CommerceMLOffer()
                offerDepth = path.count
                stockSum = nil
            case "Цена" where offer != nil && outer == "Цены":
                price = CommerceMLOffer.Price()
            case "Склад" where offer != nil && path.count == offerDepth + 1:
                if let q = attributes["КоличествоНаСкладе"].flatMap(CommerceMLReader.decimal) { stockSum = (stockSum ?? 0) + q }
            case "Документ":
                document = CommerceMLDocument()
                documentDepth = path.count
            case "ЗначениеРеквизита" where document != nil && path.count == documentDepth + 2:
                requisite = (name: "", value: "")
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, foundCDATA block: Data) { text += String(decoding: block, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard failure == nil else { return }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            text = ""
            let level = path.count
            let outer = parent
            defer { path.removeLast() }
            // a group's own fields
            if !groups.isEmpty, product == nil, outer == "Группа", level >= 2 {
                if name == "Ид" { groups[groups.count - 1].id = value }
                if name == "Наименование" { groups[groups.count - 1].name = value }
            }
            if name == "Группа", outer == "Группы", product == nil, !groups.isEmpty {
                flushGroup(parser)
                groups.removeLast()
                return
            }
            if var p = product {
                if level == productDepth + 1 {
                    switch name {
                    case "Ид": p.id = value
                    case "Артикул": p.article = value.isEmpty ? nil : value
                    case "Наименование": p.name = value
                    case "БазоваяЕдиница": if !value.isEmpty { p.unit = value }
                    case "ПометкаУдаления": if value == "true" { p.deleted = true }
                    default: break
                    }
                } else if level == productDepth + 2, outer == "Группы", name == "Ид", p.group == nil {
                    p.group = value
                }
                product = p
                if level == productDepth {
                    product = nil
                    guard !p.id.isEmpty, !p.name.isEmpty else { return stop(parser, .fail("a product without Ид or Наименование")) }
                    send(.product(p), parser)
                }
                return
            }
            if name == "СодержитТолькоИзменения", level == catalogDepth + 1 { onlyChanges = value != "false" }
            if name == "Каталог", level == catalogDepth {
                announceCatalog(parser)
                send(.catalogEnd, parser)
                catalogDepth = 0
                return
            }
            if var t = priceType {
                switch name {
                case "Ид" where outer == "ТипЦены": t.id = value
                case "Наименование" where outer == "ТипЦены": t.name = value
                case "Валюта" where outer == "ТипЦены": t.currency = value
                case "ТипЦены":
                    priceType = nil
                    send(.priceType(id: t.id, name: t.name, currency: t.currency), parser)
                    return
                default: break
                }
                priceType = t
                return
            }
            if var o = offer {
                if var pr = price {
                    switch name {
                    case "ИдТипаЦены": pr.priceTypeID = value
                    case "ЦенаЗаЕдиницу":
                        guard let d = CommerceMLReader.decimal(value) else {
                            return stop(parser, .fail("offer \(o.id): ЦенаЗаЕдиницу \(value) is not a number"))
                        }
                        pr.perUnit = d
                    case "Валюта": pr.currency = value
                    case "Цена":
                        o.prices.append(pr)
                        price = nil
                        offer = o
                        return
                    default: break
                    }
                    price = pr
                    return
                }
                if level == offerDepth + 1 {
                    switch name {
                    case "Ид": o.id = value
                    case "Количество":
                        guard let d = CommerceMLReader.decimal(value) else {
                            return stop(parser, .fail("offer \(o.id): Количество \(value) is not a number"))
                        }
                        o.quantity = d
                    default: break
                    }
                } else if name == "Количество", path.contains("Остатки") {
                    // 2.08+: Остатки/Остаток/Количество, or per warehouse Остаток/Склад/Количество
                    guard let d = CommerceMLReader.decimal(value) else {
                        return stop(parser, .fail("offer \(o.id): Количество \(value) is not a number"))
                    }
                    stockSum = (stockSum ?? 0) + d
                }
                offer = o
                if level == offerDepth {
                    offer = nil
                    if o.quantity == nil { o.quantity = stockSum }
                    guard !o.id.isEmpty else { return stop(parser, .fail("an offer without Ид")) }
                    send(.offer(o), parser)
                }
                return
            }
            if var d = document {
                if level == documentDepth + 3, outer == "Контрагент", path[documentDepth] == "Контрагенты" {
                    var c = d.counterparty ?? CommerceMLDocument.Counterparty()
                    switch name {
                    case "Наименование" where c.name.isEmpty: c.name = value
                    case "ИНН": c.inn = value.isEmpty ? nil : value
                    case "КПП": c.kpp = value.isEmpty ? nil : value
                    default: break
                    }
                    d.counterparty = c
                } else if level == documentDepth + 2, name == "Товар", outer == "Товары" {
                    d.lines.append(line ?? CommerceMLDocument.Line())
                    line = nil
                } else if level == documentDepth + 3, outer == "Товар", path[documentDepth] == "Товары" {
                    var l = line ?? CommerceMLDocument.Line()
                    switch name {
                    case "Ид": l.id = value
                    case "Количество": l.quantity = CommerceMLReader.decimal(value)
                    case "ЦенаЗаЕдиницу": l.price = CommerceMLReader.decimal(value)
                    default: break
                    }
                    line = l
                }
                if var r = requisite {
                    if name == "Наименование" { r.name = value }
                    if name == "Значение" { r.value = value }
                    requisite = r
                    if name == "ЗначениеРеквизита" {
                        d.requisites[r.name] = r.value
                        requisite = nil
                    }
                } else if level == documentDepth + 1 {
                    switch name {
                    case "Ид": d.id = value
                    case "Номер": d.number = value
                    case "Дата": d.date = value
                    case "ХозОперация": d.operation = value
                    case "Валюта": d.currency = value
                    case "Сумма": d.amount = CommerceMLReader.decimal(value)
                    default: break
                    }
                }
                document = d
                if level == documentDepth {
                    document = nil
                    guard !d.id.isEmpty || d.number != nil else { return stop(parser, .fail("a document without Ид or Номер")) }
                    send(.document(d), parser)
                }
            }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {}

        func flushGroup(_ parser: XMLParser) {
            guard let last = groups.last, !last.emitted else { return }
            guard !last.id.isEmpty, !last.name.isEmpty else { return stop(parser, .fail("a group without Ид or Наименование")) }
            groups[groups.count - 1].emitted = true
            let parent = groups.dropLast().last?.id
            send(.group(id: last.id, name: last.name, parent: parent), parser)
        }

        func announceCatalog(_ parser: XMLParser) {
            guard !catalogAnnounced else { return }
            catalogAnnounced = true
            send(.catalog(onlyChanges: onlyChanges), parser)
        }
    }

    /// A CommerceML number: `1234.50`, also with a decimal comma or spaces between thousands.
    static func decimal(_ text: String) -> Decimal? {
        let clean = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{a0}", with: "")
            .replacingOccurrences(of: ",", with: ".")
        guard clean.wholeMatch(of: #/-?[0-9]{1,18}(\.[0-9]{1,6})?/#) != nil else { return nil }
        return Decimal(string: clean, locale: Locale(identifier: "en_US_POSIX"))
    }
}

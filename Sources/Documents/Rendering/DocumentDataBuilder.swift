import Foundation

/// Turns the deal's data as the database gives it (one JSON object: `deal`, `client`,
/// `contact`, `counterparty`, `company`, `responsible`, `lines`; money and quantities as decimal
/// strings, dates as `YYYY-MM-DD`) and the document's facts into the typed values of every
/// catalogue field, with the totals and the VAT computed exactly.
public struct DocumentDataBuilder: Sendable {
    public let catalog: TemplateFieldCatalog

    public init(catalog: TemplateFieldCatalog = .standard) {
        self.catalog = catalog
    }

    public struct Summary: Sendable, Equatable {
        public let total: Money
        public let vat: Money
        public let lineCount: Int
    }

    public func build(json: String, facts: DocumentFacts) throws -> (data: TemplateData, summary: Summary) {
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw DocumentError.badData("the deal's data is not a JSON object")
        }
        let currency = ((object["deal"] as? [String: Any])?["currency"] as? String) ?? "RUB"
        var data = TemplateData()
        for field in catalog.fields where !field.path.hasPrefix("document.") && catalog.isItemField(field.path) == nil {
            if case .list = field.type { continue }
            let parts = field.path.split(separator: ".", maxSplits: 1).map(String.init)
            let raw = (object[parts[0]] as? [String: Any])?[parts[1]]
            data[field.path] = try value(raw, type: field.type, currency: currency, path: field.path)
        }
        var rows: [TemplateData] = []
        var total = Money(minorUnits: 0, currency: currency)
        var vatTotal = total
        let lineFields = catalog.itemFields(of: "lines")
        for (index, rawLine) in ((object["lines"] as? [Any]) ?? []).enumerated() {
            guard let line = rawLine as? [String: Any] else { throw DocumentError.badData("a product line is not an object") }
            var row = TemplateData()
            for field in lineFields {
                let name = String(field.path.dropFirst("line.".count))
                row[field.path] = try value(line[name], type: field.type, currency: currency, path: field.path)
            }
            row["line.number"] = .integer(Int64(index + 1))
            guard case .money(let amount) = row["line.amount"] else { throw DocumentError.badData("a product line has no amount") }
            let vat = facts.vat.included(in: amount)
            row["line.vat_amount"] = .money(vat)
            total = total + amount
            vatTotal = vatTotal + vat
            rows.append(row)
        }
        data["lines"] = .list(rows)
        data["document.number"] = .integer(facts.number)
        data["document.date"] = .date(facts.date)
        data["document.title"] = .text(facts.kind.title)
        data["document.currency"] = .text(currency)
        data["document.total"] = .money(total)
        data["document.vat_amount"] = .money(vatTotal)
        data["document.vat_label"] = .text(facts.vat.label)
        data["document.vat_rate"] = .text(facts.vat.shortLabel)
        data["document.has_vat"] = .flag(facts.vat != .none)
        data["document.line_count"] = .integer(Int64(rows.count))
        return (data, Summary(total: total, vat: vatTotal, lineCount: rows.count))
    }

    private func value(_ raw: Any?, type: TemplateFieldType, currency: String, path: String) throws -> TemplateValue {
        guard let raw, !(raw is NSNull) else { return .none }
        let text: String
        if let string = raw as? String {
            text = string
        } else if let number = raw as? NSNumber {
            text = number.stringValue
        } else {
            throw DocumentError.badData("\(path) is neither text nor a number")
        }
        switch type {
        case .text: return .text(text)
        case .money:
            guard let money = Money(text, currency: currency) else { throw DocumentError.badData("\(path) is not an amount: \(text)") }
            return .money(money)
        case .quantity: return .quantity(text)
        case .integer:
            guard let number = Int64(text) else { throw DocumentError.badData("\(path) is not a whole number: \(text)") }
            return .integer(number)
        case .date:
            guard let date = RussianDate(iso: text) else { throw DocumentError.badData("\(path) is not a date: \(text)") }
            return .date(date)
        case .flag: return .flag(text == "true" || text == "1")
        case .image: return .image(text)
        case .list: return .none
        }
    }
}

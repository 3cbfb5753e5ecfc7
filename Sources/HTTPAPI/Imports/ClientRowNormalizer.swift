import CompanyIdentifiers
import PostgresClient

/// Turns one row of an imported file into one COPY line of `pg_temp.import_rows`: every value
/// trimmed, phones as `+7XXXXXXXXXX`, e-mails lower-cased, ИНН and КПП checked (their check
/// digits; a leading zero Excel dropped from a number is put back when the check digits then
/// agree), the kind from its Russian or English word. A value that cannot be taken rejects the
/// row with the column and the reason (the row still goes to the database, to be counted and
/// reported, never written).
struct ClientRowNormalizer: Sendable {
    let columns: [ClientImportField: Int]
    /// The longest text a value may have.
    static let valueLimit = 1000

    /// The columns of `pg_temp.import_rows` a line fills, in order.
    static let copyColumns =
        "row_number, name, kind, inn, kpp, legal_name, address, city, contact_name, position, phones, emails, notes, source, contact_key, reject_column, reject_value, reject_reason"

    struct Rejection: Error {
        let field: ClientImportField
        let value: String
        let reason: String
    }

    /// The COPY line of row `number`; nil for a row with nothing in the mapped columns.
    func line(number: Int, fields: [String]) -> String? {
        func value(_ field: ClientImportField) -> String? {
            guard let index = columns[field], index < fields.count else { return nil }
            let text = Self.clean(fields[index])
            return text.isEmpty ? nil : text
        }
        guard columns.keys.contains(where: { value($0) != nil }) else { return nil }
        do {
            for field in ClientImportField.allCases {
                if let text = value(field) {
                    if text.count > Self.valueLimit {
                        throw Rejection(field: field, value: String(text.prefix(100)), reason: "longer than \(Self.valueLimit) characters")
                    }
                    if text.unicodeScalars.contains(where: { $0.value == 0 }) {
                        throw Rejection(field: field, value: "", reason: "contains a NUL character")
                    }
                }
            }
            guard let name = value(.name) else { throw Rejection(field: .name, value: "", reason: "the client's name is empty") }
            let kind = try Self.kind(value(.kind))
            var inn: String?
            var kpp: String?
            if let text = value(.inn) { inn = try Self.taxpayerNumber(text) }
            if let text = value(.kpp) {
                do {
                    kpp = try RegistrationReasonCode(Self.padded(text, to: 9)).value
                } catch let problem as IdentifierProblem {
                    throw Rejection(field: .kpp, value: text, reason: problem.description)
                }
                guard inn?.count == 10 else {
                    throw Rejection(field: .kpp, value: text, reason: "КПП belongs to a company's 10-digit ИНН")
                }
            }
            let phones = try Self.list(value(.phone)).map { text in
                guard let phone = PhoneNumber.normalized(text) else {
                    throw Rejection(field: .phone, value: text, reason: "is not a phone number")
                }
                return phone
            }
            let emails = try Self.list(value(.email)).map { text in
                guard let email = EmailAddress.normalized(text) else {
                    throw Rejection(field: .email, value: text, reason: "is not an e-mail address")
                }
                return email
            }
            let contactName = value(.contactName)
            let contactKey = phones.first ?? emails.first ?? contactName?.lowercased()
            return PostgresCopy.textRow([
                Int64(number), name, kind, inn, kpp, value(.legalName), value(.address), value(.city), contactName, value(.position),
                Self.unique(phones), Self.unique(emails), value(.notes), value(.source), contactKey, nil, nil, nil,
            ])
        } catch let rejection as Rejection {
            return PostgresCopy.textRow([
                Int64(number), value(.name) ?? "", "customer", nil, nil, nil, nil, nil, nil, nil, [String](), [String](), nil, nil, nil,
                rejection.field.rawValue, rejection.value, rejection.reason,
            ])
        } catch {
            preconditionFailure("only rejections are thrown here")
        }
    }

    /// Trimmed, inner runs of spaces (and non-breaking spaces, tabs, line breaks) as one space.
    static func clean(_ text: String) -> String {
        var out = ""
        var space = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || scalar == "\u{00A0}" {
                space = !out.isEmpty
                continue
            }
            if space {
                out.unicodeScalars.append(" ")
                space = false
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    static func kind(_ text: String?) throws -> String {
        guard let text else { return "customer" }
        switch ClientImportField.normalisedHeading(text) {
        case "покупатель", "клиент", "заказчик", "customer", "client": return "customer"
        case "поставщик", "supplier", "vendor": return "supplier"
        case "покупатель и поставщик", "поставщик и покупатель", "оба", "both": return "both"
        default: throw Rejection(field: .kind, value: text, reason: "is not a kind of client (покупатель, поставщик or оба)")
        }
    }

    /// A checked ИНН: spaces removed; 9 or 11 digits get the leading zero a spreadsheet number lost.
    static func taxpayerNumber(_ text: String) throws -> String {
        let compact = text.replacingOccurrences(of: " ", with: "")
        do {
            return try TaxpayerNumber(compact).value
        } catch let problem as IdentifierProblem {
            if compact.count == 9 || compact.count == 11, let fixed = try? TaxpayerNumber("0" + compact) { return fixed.value }
            throw Rejection(field: .inn, value: text, reason: problem.description)
        }
    }

    static func padded(_ text: String, to length: Int) -> String {
        let compact = text.replacingOccurrences(of: " ", with: "")
        return compact.count == length - 1 && compact.allSatisfy(\.isNumber) ? "0" + compact : compact
    }

    /// The values of a cell holding several (separated by `,` or `;`).
    static func list(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(whereSeparator: { $0 == "," || $0 == ";" }).map { clean(String($0)) }.filter { !$0.isEmpty }
    }

    static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}

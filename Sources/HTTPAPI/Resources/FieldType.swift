import CompanyIdentifiers
import Foundation

/// What a resource field holds: how a JSON value (body) or a text (query filter) is checked,
/// normalised and cast in SQL. Every check answers in words a user can act on.
public enum FieldType: Sendable {
    /// A string of at most `maxLength` characters (no NUL); `required` ones must not be blank.
    case text(maxLength: Int)
    /// One of the listed strings.
    case choice([String])
    /// A whole number in the range.
    case integer(ClosedRange<Int64>)
    /// The id of a row of `table` the caller may see (a constant `crm.<name>`).
    case reference(table: String)
    /// Exact money: a decimal string or number, ≥ 0, at most 2 decimals, below 10^16.
    case money
    /// A positive quantity with at most 3 decimals.
    case quantity
    /// A signed decimal with at most 3 decimals (stock can go negative).
    case decimal
    /// An ISO 4217 code such as RUB.
    case currency
    /// A calendar date `YYYY-MM-DD`.
    case date
    /// An ISO 8601 time with a zone, e.g. `2026-11-23T10:00:00+03:00`.
    case timestamp
    case boolean
    /// Any JSON object (checked further by the database, e.g. custom fields).
    case object
    /// Any JSON value (a catalog's default value).
    case anyJSON
    /// A list of strings (at most `maxItems`), each checked by `item`.
    indirect case list(FieldType, maxItems: Int)
    /// A phone number: digits with optional +, spaces, brackets and dashes.
    case phone
    case email
    /// ИНН (10 digits for a company, 12 for an entrepreneur), with its check digits.
    case taxpayerNumber
    /// КПП (9 characters).
    case registrationReasonCode
    /// ОГРН (13 digits) or ОГРНИП (15 digits), with its check digit.
    case stateRegistrationNumber
    /// Exactly `count` digits (БИК 9, account 20).
    case digits(Int)
    /// An IANA time zone such as Europe/Moscow.
    case timeZone
    /// A machine name: lower-case letters, digits and underscores, starting with a letter.
    case code
    /// A duration: `2 days`, `4 hours`, `30 minutes`, `1 week` or ISO 8601 (`P2D`, `PT4H`).
    case duration

    /// The SQL type a filter value is cast to.
    var sqlType: String {
        switch self {
        case .integer, .reference: return "bigint"
        case .money, .quantity, .decimal: return "numeric"
        case .date: return "date"
        case .timestamp: return "timestamptz"
        case .boolean: return "boolean"
        case .duration: return "interval"
        case .object, .anyJSON: return "jsonb"
        case .list: return "text[]"
        default: return "text"
        }
    }

    /// Whether the SQL output needs `::text` to stay exact in JSON (money as a string).
    var rendersAsText: Bool {
        switch self {
        case .money, .quantity, .decimal: return true
        default: return false
        }
    }

    /// Checks a JSON value; returns the normalised value or the problem.
    func check(_ value: JSONValue, required: Bool) -> Result<JSONValue, FieldProblem> {
        switch self {
        case .object:
            if case .object = value { return .success(value) }
            return .failure("must be a JSON object")
        case .anyJSON:
            return .success(value)
        case .list(let item, let maxItems):
            guard case .array(let items) = value else { return .failure("must be a list") }
            if items.count > maxItems { return .failure(FieldProblem("at most \(maxItems) items")) }
            var out: [JSONValue] = []
            for (index, element) in items.enumerated() {
                switch item.check(element, required: true) {
                case .success(let normalised): out.append(normalised)
                case .failure(let problem): return .failure(FieldProblem("item \(index + 1): \(problem.message)"))
                }
            }
            return .success(.array(out))
        case .boolean:
            if case .bool = value { return .success(value) }
            return .failure("must be true or false")
        case .integer, .reference:
            let text: String
            switch value {
            case .number(let n): text = n
            default: return .failure(self.isReference ? "must be the id of a row (a positive whole number)" : "must be a whole number")
            }
            return parse(text: text, required: required).map { .number($0) }
        case .money, .quantity, .decimal:
            let text: String
            switch value {
            case .number(let n): text = n
            case .string(let s): text = s
            default: return .failure(FieldProblem(numberMessage))
            }
            return parse(text: text, required: required).map { .string($0) }
        default:
            guard case .string(let s) = value else { return .failure("must be a string") }
            return parse(text: s, required: required).map { .string($0) }
        }
    }

    private var isReference: Bool {
        if case .reference = self { return true }
        return false
    }

    private var numberMessage: String {
        switch self {
        case .money: return "must be a non-negative amount below 10^16 with at most 2 decimals, e.g. \"1500.50\""
        case .quantity: return "must be a positive quantity with at most 3 decimals"
        default: return "must be a number with at most 3 decimals"
        }
    }

    /// Checks a value written as text (a string field, or a query filter); returns it normalised.
    func parse(text raw: String, required: Bool) -> Result<String, FieldProblem> {
        if raw.unicodeScalars.contains("\0") { return .failure("contains a NUL character") }
        switch self {
        case .text(let maxLength):
            if required && raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .failure("must not be empty") }
            if raw.count > maxLength { return .failure(FieldProblem("longer than \(maxLength) characters")) }
            return .success(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        case .choice(let allowed):
            return allowed.contains(raw) ? .success(raw) : .failure(FieldProblem("must be one of: \(allowed.joined(separator: ", "))"))
        case .integer(let range):
            guard let n = Int64(raw) else { return .failure("must be a whole number") }
            return range.contains(n)
                ? .success(String(n)) : .failure(FieldProblem("must be between \(range.lowerBound) and \(range.upperBound)"))
        case .reference:
            guard let n = Int64(raw), n > 0 else { return .failure("must be the id of a row (a positive whole number)") }
            return .success(String(n))
        case .money:
            return Self.decimal(raw, integerDigits: 16, fractionDigits: 2, allowZero: true, allowNegative: false)
                .map(Result.success) ?? .failure(FieldProblem(numberMessage))
        case .quantity:
            return Self.decimal(raw, integerDigits: 15, fractionDigits: 3, allowZero: false, allowNegative: false)
                .map(Result.success) ?? .failure(FieldProblem(numberMessage))
        case .decimal:
            return Self.decimal(raw, integerDigits: 15, fractionDigits: 3, allowZero: true, allowNegative: true)
                .map(Result.success) ?? .failure(FieldProblem(numberMessage))
        case .currency:
            return raw.wholeMatch(of: #/[A-Z]{3}/#) != nil ? .success(raw) : .failure("must be a 3-letter ISO 4217 code such as RUB")
        case .date:
            return Self.isDate(raw) ? .success(raw) : .failure("must be a date YYYY-MM-DD")
        case .timestamp:
            return Self.isTimestamp(raw) ? .success(raw) : .failure("must be an ISO 8601 time with a zone, e.g. 2026-11-23T10:00:00+03:00")
        case .boolean:
            switch raw {
            case "true": return .success("true")
            case "false": return .success("false")
            default: return .failure("must be true or false")
            }
        case .phone:
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            return trimmed.wholeMatch(of: #/\+?[0-9][0-9 ()-]{4,31}/#) != nil
                ? .success(trimmed) : .failure("must be a phone number such as +7 495 123-45-67")
        case .email:
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            return trimmed.count <= 254 && trimmed.wholeMatch(of: #/[^@\s]+@[^@\s]+\.[^@\s]+/#) != nil
                ? .success(trimmed) : .failure("must be an e-mail address such as name@example.ru")
        case .taxpayerNumber:
            do { return .success(try TaxpayerNumber(raw).value) } catch { return .failure(FieldProblem("\(error)")) }
        case .registrationReasonCode:
            do { return .success(try RegistrationReasonCode(raw).value) } catch { return .failure(FieldProblem("\(error)")) }
        case .stateRegistrationNumber:
            do { return .success(try StateRegistrationNumber(raw).value) } catch { return .failure(FieldProblem("\(error)")) }
        case .digits(let count):
            return raw.count == count && raw.allSatisfy({ $0.isASCII && $0.isNumber })
                ? .success(raw) : .failure(FieldProblem("must be \(count) digits"))
        case .timeZone:
            return TimeZone(identifier: raw) != nil && raw.contains("/") || raw == "UTC"
                ? .success(raw) : .failure("must be a time zone such as Europe/Moscow")
        case .code:
            return raw.wholeMatch(of: #/[a-z][a-z0-9_]{0,39}/#) != nil
                ? .success(raw) : .failure("must be lower-case latin letters, digits and _, starting with a letter (at most 40)")
        case .duration:
            let plain = #/[0-9]{1,4} (minute|minutes|hour|hours|day|days|week|weeks)/#
            let iso = #/P(?:[0-9]{1,4}[WD])?(?:T(?:[0-9]{1,4}H)?(?:[0-9]{1,4}M)?)?/#
            return raw.wholeMatch(of: plain) != nil || (raw.count > 1 && raw != "PT" && raw.wholeMatch(of: iso) != nil)
                ? .success(raw) : .failure("must be a duration such as \"2 days\", \"4 hours\" or P2D")
        case .object, .anyJSON, .list:
            return .failure("cannot be given as text")
        }
    }

    /// Plain decimal text (no exponent), normalised without leading `+`.
    static func decimal(_ raw: String, integerDigits: Int, fractionDigits: Int, allowZero: Bool, allowNegative: Bool) -> String? {
        guard let match = raw.wholeMatch(of: #/(-?)([0-9]+)(?:\.([0-9]+))?/#) else { return nil }
        let negative = !match.1.isEmpty
        let whole = match.2.drop(while: { $0 == "0" })
        let fraction = match.3.map(String.init) ?? ""
        if negative && !allowNegative { return nil }
        if whole.count > integerDigits || fraction.count > fractionDigits { return nil }
        let isZero = whole.isEmpty && fraction.allSatisfy { $0 == "0" }
        if isZero && !allowZero { return nil }
        // Normalised: no leading zeros ("007.50" → "7.50"), so the text is what PostgreSQL stores.
        return (negative && !isZero ? "-" : "") + (whole.isEmpty ? "0" : String(whole)) + (fraction.isEmpty ? "" : "." + fraction)
    }

    static func isDate(_ raw: String) -> Bool {
        guard let m = raw.wholeMatch(of: #/([0-9]{4})-([0-9]{2})-([0-9]{2})/#),
            let year = Int(m.1), let month = Int(m.2), let day = Int(m.3), (1...12).contains(month), day >= 1
        else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let days = calendar.range(of: .day, in: .month, for: calendar.date(from: DateComponents(year: year, month: month))!)!
        return days.contains(day) && year >= 1
    }

    /// An ISO 8601 time with a zone. The zone offset may be at most 15:59:59 either way (what
    /// PostgreSQL accepts; real zones lie within −12:00…+14:00), seconds included for the local
    /// mean times PostgreSQL prints for old dates (`+02:30:17`).
    static func isTimestamp(_ raw: String) -> Bool {
        guard
            let m = raw.wholeMatch(
                of:
                    #/([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,6})?)?(?:Z|[+-]([0-9]{2})(?::?([0-9]{2})(?::?([0-9]{2}))?)?)/#
            ),
            isDate(String(m.1)), let hour = Int(m.2), let minute = Int(m.3), hour < 24, minute < 60
        else { return false }
        if let seconds = m.4, let s = Int(seconds), s > 59 { return false }
        if let zoneHours = m.5.flatMap({ Int($0) }), zoneHours > 15 { return false }
        if let zoneMinutes = m.6.flatMap({ Int($0) }), zoneMinutes > 59 { return false }
        if let zoneSeconds = m.7.flatMap({ Int($0) }), zoneSeconds > 59 { return false }
        return true
    }
}

/// A problem with one value, before the field name is attached.
public struct FieldProblem: Error, Sendable, ExpressibleByStringLiteral {
    public let message: String
    public init(_ message: String) { self.message = message }
    public init(stringLiteral value: String) { self.message = value }
}

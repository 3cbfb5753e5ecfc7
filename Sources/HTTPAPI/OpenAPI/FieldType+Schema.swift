/// How each `FieldType` is written in JSON, as JSON Schema: in responses (as PostgreSQL prints
/// it), in request bodies (what `FieldType.check` accepts) and in query strings (`parse(text:)`).
extension FieldType {
    /// The value as a response prints it (never null; `ResourceField.responseSchema` adds null).
    var responseSchema: JSONValue {
        switch self {
        case .money: return Self.decimalText(Self.moneyPattern)
        case .quantity: return Self.decimalText(#"^[0-9]{1,15}(\.[0-9]{1,3})?$"#)
        case .decimal: return Self.decimalText(#"^-?[0-9]{1,15}(\.[0-9]{1,3})?$"#)
        case .duration:
            return .object(["type": .string("string"), "description": .string("as PostgreSQL prints an interval: 2 days, 04:00:00")])
        default: return requestSchema(required: false)
        }
    }

    /// Money as the API prints it: a decimal string with at most 2 decimals.
    static let moneyPattern = #"^[0-9]{1,16}(\.[0-9]{1,2})?$"#

    private static func decimalText(_ pattern: String) -> JSONValue {
        .object(["type": .string("string"), "pattern": .string(pattern)])
    }

    /// The value as a request body may give it.
    func requestSchema(required: Bool) -> JSONValue {
        switch self {
        case .text(let maxLength):
            return .obj([
                "type": .string("string"), "maxLength": .integer(Int64(maxLength)),
                "pattern": required ? .string(#"\S"#) : nil,
            ])
        case .choice(let allowed):
            return .object(["type": .string("string"), "enum": .strings(allowed)])
        case .integer(let range):
            return .object(["type": .string("integer"), "minimum": .integer(range.lowerBound), "maximum": .integer(range.upperBound)])
        case .reference(let table):
            return .object(["type": .string("integer"), "minimum": .integer(1), "x-references": .string(Self.referenced(table))])
        case .money:
            return .object([
                "type": .strings(["string", "number"]), "pattern": .string(#"^0*[0-9]{1,16}(\.[0-9]{1,2})?$"#),
                "minimum": .integer(0), "description": .string("exact: a decimal string (or number) with at most 2 decimals"),
            ])
        case .quantity:
            return .object([
                "type": .strings(["string", "number"]), "pattern": .string(#"^0*[0-9]{1,15}(\.[0-9]{1,3})?$"#),
                "exclusiveMinimum": .integer(0),
            ])
        case .decimal:
            return .object(["type": .strings(["string", "number"]), "pattern": .string(#"^-?0*[0-9]{1,15}(\.[0-9]{1,3})?$"#)])
        case .currency:
            return .object(["type": .string("string"), "pattern": .string("^[A-Z]{3}$"), "description": .string("ISO 4217")])
        case .date:
            return .object(["type": .string("string"), "format": .string("date")])
        case .timestamp:
            return .object(["type": .string("string"), "format": .string("date-time")])
        case .boolean:
            return .object(["type": .string("boolean")])
        case .object:
            return .object(["type": .string("object")])
        case .anyJSON:
            return .object(["description": .string("any JSON value")])
        case .list(let item, let maxItems):
            return .object([
                "type": .string("array"), "items": item.requestSchema(required: true), "maxItems": .integer(Int64(maxItems)),
            ])
        case .phone:
            return Self.pattern(#"^\+?[0-9][0-9 ()-]{4,31}$"#, example: "+7 495 123-45-67")
        case .email:
            return .object([
                "type": .string("string"), "maxLength": .integer(254), "pattern": .string(#"^[^@\s]+@[^@\s]+\.[^@\s]+$"#),
            ])
        case .taxpayerNumber:
            return Self.pattern("^([0-9]{10}|[0-9]{12})$", example: "7707083893")
        case .registrationReasonCode:
            return Self.pattern("^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$", example: "773601001")
        case .stateRegistrationNumber:
            return Self.pattern("^([0-9]{13}|[0-9]{15})$", example: "1027700132195")
        case .digits(let count):
            return Self.pattern("^[0-9]{\(count)}$", example: String(repeating: "0", count: count))
        case .timeZone:
            return .object(["type": .string("string"), "description": .string("an IANA time zone such as Europe/Moscow")])
        case .code:
            return Self.pattern("^[a-z][a-z0-9_]{0,39}$", example: "example_code")
        case .duration:
            return Self.pattern(
                #"^([0-9]{1,4} (minute|minutes|hour|hours|day|days|week|weeks)|P([0-9]{1,4}[WD])?(T([0-9]{1,4}H)?([0-9]{1,4}M)?)?)$"#,
                example: "2 days")
        }
    }

    /// The value as a list filter takes it (`?name=value`).
    var querySchema: JSONValue {
        switch self {
        case .money, .quantity, .decimal:
            return requestSchema(required: false).merging(.object(["type": .string("string")]))
        default:
            return requestSchema(required: false)
        }
    }

    private static func pattern(_ pattern: String, example: String) -> JSONValue {
        .object(["type": .string("string"), "pattern": .string(pattern), "examples": .strings([example])])
    }

    /// What a reference names: the resource path serving the table, else the table's name.
    static func referenced(_ table: String) -> String {
        Resource.all.first { $0.table == table }?.path ?? String(table.dropFirst("crm.".count))
    }

    /// A valid example value (references: 1; the reader puts a real id in).
    func example(_ fieldName: String) -> JSONValue {
        switch self {
        case .text(let maxLength): return .string(String("Пример \(fieldName)".prefix(maxLength)))
        case .choice(let allowed): return .string(allowed[0])
        case .integer(let range): return .integer(max(range.lowerBound, min(range.upperBound, 1)))
        case .reference: return .integer(1)
        case .money: return .string("1500.00")
        case .quantity: return .string("2")
        case .decimal: return .string("10")
        case .currency: return .string("RUB")
        case .date: return .string("2026-12-01")
        case .timestamp: return .string("2026-12-01T10:00:00+03:00")
        case .boolean: return .bool(true)
        case .object: return .object([:])
        case .anyJSON: return .null
        case .list: return .array([])
        case .phone: return .string("+7 495 123-45-67")
        case .email: return .string("info@example.ru")
        case .taxpayerNumber: return .string("7707083893")
        case .registrationReasonCode: return .string("773601001")
        case .stateRegistrationNumber: return .string("1027700132195")
        case .digits(let count): return .string(String(repeating: "0", count: count))
        case .timeZone: return .string("Europe/Moscow")
        case .code: return .string("example_code")
        case .duration: return .string("2 days")
        }
    }
}

extension ResourceField {
    /// The member as rows print it: null added when the field may be null.
    var responseSchema: JSONValue {
        Self.addingNull(type.responseSchema, when: nullable).merging(Self.description(summary))
    }

    /// The member as a create or update body may give it.
    var requestSchema: JSONValue {
        Self.addingNull(type.requestSchema(required: required), when: nullable && !required).merging(Self.description(summary))
    }

    private static func description(_ summary: String) -> JSONValue {
        summary.isEmpty ? .object([:]) : .object(["description": .string(summary)])
    }

    /// `type: X` → `type: [X, "null"]` (and null in an enum).
    static func addingNull(_ schema: JSONValue, when nullable: Bool) -> JSONValue {
        guard nullable else { return schema }
        var members = schema.members
        switch members["type"] {
        case .string(let type)?: members["type"] = .strings([type, "null"])
        case .array(let types)?: members["type"] = .array(types + [.string("null")])
        default: break
        }
        if case .array(let values)? = members["enum"] { members["enum"] = .array(values + [.null]) }
        return .object(members)
    }
}

import Foundation
import HTTPAPI

/// A small JSON Schema (2020-12 subset, as used by OpenAPI 3.1) validator for the contract
/// test: $ref (local), allOf, type (also arrays of types), enum, required, properties,
/// additionalProperties (false or a schema), minProperties, items, minItems/maxItems,
/// minimum/maximum/exclusiveMinimum, minLength/maxLength, pattern, format date/date-time.
/// A keyword it does not know is reported as a problem, so the document cannot use a
/// constraint nobody checks.
struct JSONSchemaValidator {
    /// The whole document, for `#/...` references.
    let root: JSONValue

    static let annotations: Set<String> = ["description", "examples", "default", "title", "x-references"]

    /// Every problem of `value` against `schema`, each with its JSON path.
    func problems(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        guard case .object(let s) = schema else {
            if case .bool(let b) = schema { return b ? [] : ["\(path): no value allowed"] }
            return ["\(path): the schema is not an object"]
        }
        var out: [String] = []
        for (keyword, argument) in s {
            switch keyword {
            case "$ref":
                guard case .string(let ref) = argument, let target = resolve(ref) else {
                    out.append("\(path): bad $ref \(argument.jsonText)")
                    continue
                }
                out += problems(value, target, at: path)
            case "allOf":
                guard case .array(let all) = argument else {
                    out.append("\(path): allOf is not an array")
                    continue
                }
                for sub in all { out += problems(value, sub, at: path) }
            case "type":
                let types: [String]
                switch argument {
                case .string(let t): types = [t]
                case .array(let ts): types = ts.compactMap(\.stringValue)
                default:
                    out.append("\(path): bad type keyword")
                    continue
                }
                if !types.contains(where: { Self.has(value, type: $0) }) {
                    out.append("\(path): \(Self.shortText(value)) is not of type \(types.joined(separator: "|"))")
                }
            case "enum":
                guard case .array(let allowed) = argument else {
                    out.append("\(path): enum is not an array")
                    continue
                }
                if !allowed.contains(where: { Self.equal($0, value) }) {
                    out.append("\(path): \(Self.shortText(value)) is not one of \(argument.jsonText)")
                }
            case "required":
                guard case .object(let members) = value, case .array(let names) = argument else { continue }
                for name in names.compactMap(\.stringValue) where members[name] == nil {
                    out.append("\(path): the member \(name) is missing")
                }
            case "properties":
                guard case .object(let members) = value else { continue }
                for (name, sub) in argument.members {
                    if let member = members[name] { out += problems(member, sub, at: "\(path).\(name)") }
                }
            case "additionalProperties":
                guard case .object(let members) = value else { continue }
                let known = Set(s["properties"]?.members.keys.map { $0 } ?? [])
                for (name, member) in members where !known.contains(name) {
                    if case .bool(false) = argument {
                        out.append("\(path): undocumented member \(name)")
                    } else {
                        out += problems(member, argument, at: "\(path).\(name)")
                    }
                }
            case "minProperties":
                if case .object(let members) = value, let n = Self.double(argument), Double(members.count) < n {
                    out.append("\(path): fewer than \(argument.jsonText) members")
                }
            case "items":
                guard case .array(let items) = value else { continue }
                for (index, item) in items.enumerated() { out += problems(item, argument, at: "\(path)[\(index)]") }
            case "minItems", "maxItems":
                guard case .array(let items) = value, let n = Self.double(argument) else { continue }
                if keyword == "minItems" ? Double(items.count) < n : Double(items.count) > n {
                    out.append("\(path): \(items.count) items breaks \(keyword) \(argument.jsonText)")
                }
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
                guard case .number(let text) = value, let x = Double(text), let bound = Self.double(argument) else { continue }
                let ok: Bool
                switch keyword {
                case "minimum": ok = x >= bound
                case "maximum": ok = x <= bound
                case "exclusiveMinimum": ok = x > bound
                default: ok = x < bound
                }
                if !ok { out.append("\(path): \(text) breaks \(keyword) \(argument.jsonText)") }
            case "minLength", "maxLength":
                guard case .string(let text) = value, let n = Self.double(argument) else { continue }
                let count = Double(text.unicodeScalars.count)
                if keyword == "minLength" ? count < n : count > n {
                    out.append("\(path): a string of \(Int(count)) characters breaks \(keyword) \(argument.jsonText)")
                }
            case "pattern":
                guard case .string(let text) = value, case .string(let pattern) = argument else { continue }
                if text.range(of: pattern, options: .regularExpression) == nil {
                    out.append("\(path): \(Self.shortText(value)) does not match \(pattern)")
                }
            case "format":
                guard case .string(let text) = value, case .string(let format) = argument else { continue }
                switch format {
                case "date":
                    if !Self.isDate(text) { out.append("\(path): \(Self.shortText(value)) is not a date") }
                case "date-time":
                    if !Self.isDateTime(text) { out.append("\(path): \(Self.shortText(value)) is not a date-time") }
                case "binary":
                    break
                default:
                    out.append("\(path): unsupported format \(format)")
                }
            default:
                if !Self.annotations.contains(keyword) && !keyword.hasPrefix("x-") {
                    out.append("\(path): the validator does not know the keyword \(keyword)")
                }
            }
        }
        return out
    }

    /// `#/components/schemas/Name` in the document.
    func resolve(_ ref: String) -> JSONValue? {
        guard ref.hasPrefix("#/") else { return nil }
        var node = root
        for part in ref.dropFirst(2).split(separator: "/") {
            guard let next = node.members[String(part)] else { return nil }
            node = next
        }
        return node
    }

    static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object), ("number", .number):
            return true
        case ("integer", .number(let text)):
            return !text.contains(".") && !text.lowercased().contains("e")
        default:
            return false
        }
    }

    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if case .number(let x) = a, case .number(let y) = b { return Double(x) == Double(y) }
        return a == b
    }

    static func double(_ value: JSONValue) -> Double? {
        if case .number(let text) = value { return Double(text) }
        return nil
    }

    static func shortText(_ value: JSONValue) -> String { String(value.jsonText.prefix(80)) }

    static func isDate(_ text: String) -> Bool {
        guard text.range(of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#, options: .regularExpression) != nil else { return false }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.isLenient = false
        return formatter.date(from: text).map { formatter.string(from: $0) == text } ?? false
    }

    /// RFC 3339 `date-time`: a full date, `T`, a time with optional fractions and a zone.
    static func isDateTime(_ text: String) -> Bool {
        let pattern =
            #"^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"#
        guard text.range(of: pattern, options: .regularExpression) != nil else { return false }
        return isDate(String(text.prefix(10)))
    }
}

/// Short constructors for building the OpenAPI document out of `JSONValue`s.
extension JSONValue {
    /// An object from ordered pairs; nil values are left out.
    static func obj(_ pairs: KeyValuePairs<String, JSONValue?>) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for (key, value) in pairs {
            if let value { members[key] = value }
        }
        return .object(members)
    }

    static func integer(_ value: Int64) -> JSONValue { .number(String(value)) }

    static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

    /// `{"$ref": "#/components/<kind>/<name>"}`.
    static func ref(_ name: String, in kind: String = "schemas") -> JSONValue {
        .object(["$ref": .string("#/components/\(kind)/\(name)")])
    }

    /// The members of an object (empty for anything else).
    public var members: [String: JSONValue] {
        if case .object(let members) = self { return members }
        return [:]
    }

    /// This object with `other`'s members added (theirs win).
    public func merging(_ other: JSONValue) -> JSONValue {
        .object(members.merging(other.members) { _, new in new })
    }
}

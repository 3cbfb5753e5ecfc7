/// The JSON Schemas of one resource, made from its fields: the row (as responses print it:
/// every field, in order, always present), the bodies of create and update, the list page.
struct ResourceSchemas {
    let resource: Resource

    /// `deal line` → `DealLine`.
    var name: String {
        resource.singular.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
    var createName: String { name + "Create" }
    var updateName: String { name + "Update" }
    var listName: String { name + "List" }
    /// The 201 body of a create when the resource's rules may add `warnings`.
    var createdName: String { warningCodes.isEmpty ? name : name + "Created" }

    var warningCodes: [String] { resource.rules.flatMap(\.warningCodes) }

    var writableOnCreate: [ResourceField] { resource.fields.filter { $0.access != .readOnly } }
    var writableOnUpdate: [ResourceField] { resource.fields.filter { $0.access == .writable } }

    /// Every schema of the resource, by component name.
    var components: [String: JSONValue] {
        let ops = resource.operations
        var out: [String: JSONValue] = [name: row]
        if ops.contains(.list) { out[listName] = list }
        if ops.contains(.create) { out[createName] = createBody }
        if ops.contains(.update) { out[updateName] = updateBody }
        if ops.contains(.create), !warningCodes.isEmpty { out[createdName] = created }
        return out
    }

    var row: JSONValue {
        .obj([
            "type": .string("object"), "description": .string(resource.summary),
            "properties": .object(Dictionary(uniqueKeysWithValues: resource.fields.map { ($0.name, $0.responseSchema) })),
            "required": .strings(resource.fields.map(\.name)),
            "additionalProperties": .bool(false),
        ])
    }

    /// The row plus `warnings` (e.g. clients with similar names: a possible duplicate).
    var created: JSONValue {
        var members = row.members
        var properties = members["properties"]!.members
        properties["warnings"] = .obj([
            "type": .string("array"), "description": .string("possible problems that did not stop the create"),
            "items": .ref("Warning"),
        ])
        members["properties"] = .object(properties)
        return .object(members)
    }

    /// The warning objects of the resource's rules.
    static func warning(codes: [String]) -> JSONValue {
        .obj([
            "type": .string("object"),
            "properties": .obj([
                "code": .obj(["type": .string("string"), "enum": .strings(codes)]),
                "message": .obj(["type": .string("string")]),
                "client_id": .obj(["type": .string("integer"), "minimum": .integer(1)]),
                "name": .obj(["type": .string("string")]),
                "similarity": .obj(["type": .string("number"), "minimum": .integer(0), "maximum": .integer(1)]),
                "product_id": .obj(["type": .string("integer"), "minimum": .integer(1)]),
                "counterparty_id": .obj(["type": .string("integer"), "minimum": .integer(1)]),
                "stock": .obj(["type": .string("string"), "description": .string("the product's stock (exact decimal)")]),
            ]),
            "required": .strings(["code", "message"]),
            "additionalProperties": .bool(false),
        ])
    }

    var createBody: JSONValue {
        .obj([
            "type": .string("object"),
            "properties": .object(Dictionary(uniqueKeysWithValues: writableOnCreate.map { ($0.name, $0.requestSchema) })),
            "required": .strings(writableOnCreate.filter(\.required).map(\.name)),
            "additionalProperties": .bool(false),
            "examples": .array([ResourceExamples.create(resource)]),
        ])
    }

    var updateBody: JSONValue {
        .obj([
            "type": .string("object"),
            "properties": .object(Dictionary(uniqueKeysWithValues: writableOnUpdate.map { ($0.name, $0.requestSchema) })),
            "minProperties": .integer(1),
            "additionalProperties": .bool(false),
            "examples": .array([ResourceExamples.update(resource)]),
        ])
    }

    var list: JSONValue {
        .obj([
            "type": .string("object"),
            "properties": .obj([
                "items": .obj(["type": .string("array"), "items": .ref(name)]),
                "next_cursor": .obj([
                    "type": .strings(["string", "null"]),
                    "description": .string("give as ?cursor= for the next page; null on the last page"),
                ]),
                "count": .obj([
                    "type": .string("integer"), "minimum": .integer(0),
                    "description": .string("every matching row (only with ?count=true)"),
                ]),
            ]),
            "required": .strings(["items", "next_cursor"]),
            "additionalProperties": .bool(false),
        ])
    }
}

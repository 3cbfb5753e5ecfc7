/// The operations `ResourceController` serves for one resource, made from the same description
/// it registers its routes from: list (with every filter the list accepts), create, read,
/// update, delete.
struct ResourcePaths {
    let resource: Resource
    var schemas: ResourceSchemas { ResourceSchemas(resource: resource) }

    var collection: String { "/api/v1/\(resource.path)" }
    var item: String { "/api/v1/\(resource.path)/{id}" }
    var tag: String { resource.path }
    /// `deal-lines` → `DealLines` (operation ids).
    var idStem: String { resource.path.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() }

    var operations: [OpenAPIOperation] {
        var out: [OpenAPIOperation] = []
        let ops = resource.operations
        if ops.contains(.list) {
            out.append(list)
            out.append(export)
        }
        if ops.contains(.create) { out.append(create) }
        if ops.contains(.read) { out.append(read) }
        if ops.contains(.update) { out.append(update) }
        if ops.contains(.delete) { out.append(delete) }
        return out
    }

    private var rowHeaders: [String: JSONValue] {
        resource.field("version") == nil ? [:] : ["ETag": OpenAPIComponents.eTagHeader]
    }

    var list: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: collection, id: "list\(idStem)", summary: "List \(resource.path): \(resource.summary)", tag: tag,
            parameters: listParameters,
            responses: [200: OpenAPIOperation.json("A page of rows the caller may see", .ref(schemas.listName))],
            errors: [422, 503])
    }

    /// `GET /api/v1/<list>/export`: the list's filters (no paging) and the file's format.
    var export: OpenAPIOperation {
        let paging: Set<String> = ListExportController.paging
        let filters = listParameters.filter { parameter in
            guard case .object(let o) = parameter, let name = o["name"]?.stringValue else { return true }
            return !paging.contains(name)
        }
        let enumeration = { (values: [String]) in JSONValue.obj(["type": .string("string"), "enum": .strings(values)]) }
        let ok: JSONValue = .obj([
            "description": .string("Every matching row the caller may read, streamed; the download is audited"),
            "content": .obj([
                "text/csv": .obj(["schema": .obj(["type": .string("string")])]),
                ExportFormat.xlsx.contentType: .obj(["schema": .obj(["type": .string("string"), "format": .string("binary")])]),
            ]),
        ])
        return OpenAPIOperation(
            method: "get", path: collection + "/export", id: "export\(idStem)",
            summary: "Download \(resource.path) as CSV or .xlsx (needs the export action on them)", tag: tag,
            parameters: filters + [
                OpenAPIOperation.query("format", enumeration(["csv", "xlsx"]), "csv (UTF-8 with BOM) or xlsx; default csv"),
                OpenAPIOperation.query(
                    "separator", enumeration(["comma", "semicolon"]),
                    "CSV separator; semicolon also writes decimals with a comma (Russian Excel)"),
                OpenAPIOperation.query(
                    "header", enumeration(["labels", "keys"]),
                    "the header row: the fields' labels in the caller's language (default) or their keys"),
            ],
            responses: [200: ok], errors: [403, 422, 503])
    }

    /// Every query parameter of `ResourceListQuery`: the filters of each filterable field and the
    /// reserved ones.
    var listParameters: [JSONValue] {
        var out: [JSONValue] = []
        for field in resource.fields where field.filter != .none {
            let value = field.type.querySchema
            out.append(
                .obj([
                    "name": .string(field.name), "in": .string("query"),
                    "description": .string("equal to (repeat for any of several)"),
                    "schema": .obj(["type": .string("array"), "items": value]), "style": .string("form"), "explode": .bool(true),
                ]))
            if field.filter == .range {
                for (suffix, words) in [("gte", "at least"), ("gt", "above"), ("lte", "at most"), ("lt", "below")] {
                    out.append(OpenAPIOperation.query("\(field.name).\(suffix)", value, words))
                }
            }
            if field.nullable {
                out.append(
                    OpenAPIOperation.query(
                        "\(field.name).null", .obj(["type": .string("boolean")]), "true: only null; false: only not null"))
            }
        }
        if resource.searchText != nil {
            out.append(
                OpenAPIOperation.query(
                    "q", .obj(["type": .string("string"), "minLength": .integer(1), "maxLength": .integer(200)]),
                    "full-text search (Russian; web search syntax)"))
        }
        if resource.similarName != nil {
            out.append(
                OpenAPIOperation.query(
                    "similar", .obj(["type": .string("string"), "minLength": .integer(3), "maxLength": .integer(200)]),
                    "similar names (trigram similarity), most similar first, in one page"))
        }
        let sortable = resource.fields.filter(\.sortable).map(\.name)
        out.append(
            OpenAPIOperation.query(
                "sort",
                .obj([
                    "type": .string("string"), "enum": .strings(sortable.flatMap { [$0, "-" + $0] }),
                    "default": .string(resource.defaultSort),
                ]),
                "the sort field; - for descending"))
        out.append(
            OpenAPIOperation.query(
                "limit",
                .obj([
                    "type": .string("integer"), "minimum": .integer(1), "maximum": .integer(Int64(ResourceListQuery.maximumLimit)),
                    "default": .integer(Int64(ResourceListQuery.defaultLimit)),
                ])))
        out.append(OpenAPIOperation.query("cursor", .obj(["type": .string("string")]), "next_cursor of the previous page"))
        out.append(OpenAPIOperation.query("count", .obj(["type": .string("boolean")]), "true: also count every matching row"))
        out.append(
            OpenAPIOperation.query(
                "saved_filter", .obj(["type": .string("integer"), "minimum": .integer(1)]),
                "apply a saved filter of yours (parameters given here win)"))
        return out
    }

    var create: OpenAPIOperation {
        var created: [String: JSONValue] = [:]
        created["ETag"] = OpenAPIComponents.eTagHeader
        created["Location"] = .obj(["description": .string("the new row's URL"), "schema": .obj(["type": .string("string")])])
        created["Idempotent-Replayed"] = .obj([
            "description": .string("true when this is the stored response of an earlier request with the same Idempotency-Key"),
            "schema": .obj(["type": .string("string"), "enum": .strings(["true"])]),
        ])
        return OpenAPIOperation(
            method: "post", path: collection, id: "create\(idStem)", summary: "Create a \(resource.singular)", tag: tag,
            parameters: [.ref("IdempotencyKey", in: "parameters")],
            requestBody: OpenAPIOperation.body(.ref(schemas.createName)),
            responses: [201: OpenAPIOperation.json("Created: the row as read back", .ref(schemas.createdName), headers: created)],
            errors: [400, 403, 409, 413, 422, 503])
    }

    var read: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: item, id: "get\(idStem)", summary: "Read a \(resource.singular)", tag: tag,
            parameters: [.ref("Id", in: "parameters")],
            responses: [200: OpenAPIOperation.json("The row", .ref(schemas.name), headers: rowHeaders)],
            errors: [404, 503])
    }

    var update: OpenAPIOperation {
        OpenAPIOperation(
            method: "patch", path: item, id: "update\(idStem)", summary: "Change a \(resource.singular)", tag: tag,
            parameters: [.ref("Id", in: "parameters"), .ref("IfMatch", in: "parameters")],
            requestBody: OpenAPIOperation.body(.ref(schemas.updateName)),
            responses: [200: OpenAPIOperation.json("The row as changed", .ref(schemas.name), headers: rowHeaders)],
            errors: [400, 403, 404, 409, 412, 413, 422, 503])
    }

    var delete: OpenAPIOperation {
        OpenAPIOperation(
            method: "delete", path: item, id: "delete\(idStem)", summary: "Delete a \(resource.singular)", tag: tag,
            parameters: [.ref("Id", in: "parameters"), .ref("IfMatch", in: "parameters")],
            responses: [204: OpenAPIOperation.empty("Deleted")],
            errors: [400, 403, 404, 409, 412, 422, 503])
    }
}

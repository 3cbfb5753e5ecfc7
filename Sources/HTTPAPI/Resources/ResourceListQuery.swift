import Hummingbird

/// A list request read from the query string: filters, full-text and similarity search,
/// sorting, keyset pagination. Unknown parameters and bad values are refused (422 naming
/// each); nothing uses OFFSET, and nothing counts unless `count=true` asks.
struct ResourceListQuery {
    static let reserved: Set<String> = ["q", "similar", "sort", "limit", "cursor", "count", "saved_filter"]
    static let defaultLimit = 50
    static let maximumLimit = 500

    let resource: Resource
    private(set) var sql = SQLBuilder()
    private(set) var conditions: [String] = []
    private(set) var problems: [APIError.FieldError] = []
    private(set) var sortField: ResourceField
    private(set) var descending: Bool
    private(set) var limit = ResourceListQuery.defaultLimit
    private(set) var similar: String?
    private(set) var wantsCount = false
    private var cursorText: String?

    /// Reads `parameters` (the request's, over a saved filter's: explicit ones win).
    init(resource: Resource, parameters: [(key: String, value: String)]) {
        self.resource = resource
        let sortName = resource.defaultSort.hasPrefix("-") ? String(resource.defaultSort.dropFirst()) : resource.defaultSort
        sortField = resource.field(sortName)!
        descending = resource.defaultSort.hasPrefix("-")
        var grouped: [String: [String]] = [:]
        var order: [String] = []
        for (key, value) in parameters {
            if grouped[key] == nil { order.append(key) }
            grouped[key, default: []].append(value)
        }
        for key in order {
            read(key, grouped[key]!)
        }
        if let cursorText { applyCursor(cursorText) }
    }

    private mutating func problem(_ field: String, _ message: String) {
        problems.append(.init(field: field, message: message))
    }

    private mutating func read(_ key: String, _ values: [String]) {
        if Self.reserved.contains(key) {
            guard values.count == 1, let value = values.first else { return problem(key, "given more than once") }
            readReserved(key, value)
            return
        }
        // Keeps empty pieces: "", "." and "name." are refused as unknown, never indexed past.
        let parts = key.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let name = parts.first, let field = resource.field(name), field.filter != .none else {
            let names = resource.fields.filter { $0.filter != .none }.map(\.name)
            return problem(
                key.isEmpty ? "(empty parameter name)" : String(key.prefix(60)),
                "unknown filter; filters here: \(names.joined(separator: ", ")) and \(Self.reserved.sorted().joined(separator: ", "))")
        }
        let column = field.columnSQL
        if parts.count == 1 {
            var texts: [String] = []
            for value in values {
                switch field.type.parse(text: value, required: false) {
                case .success(let text): texts.append(text)
                case .failure(let p): return problem(key, "'\(value.prefix(40))': \(p.message)")
                }
            }
            if texts.count == 1 {
                conditions.append("\(column) = \(sql.bind(texts[0]))::\(field.type.sqlType)")
            } else {
                conditions.append("\(column) = any(\(sql.bind(list: texts))::\(field.type.sqlType)[])")
            }
            return
        }
        guard values.count == 1, let value = values.first else { return problem(key, "given more than once") }
        let op: String
        switch parts[1] {
        case "gte" where field.filter == .range: op = ">="
        case "gt" where field.filter == .range: op = ">"
        case "lte" where field.filter == .range: op = "<="
        case "lt" where field.filter == .range: op = "<"
        case "null" where field.nullable:
            switch value {
            case "true": conditions.append("\(column) is null")
            case "false": conditions.append("\(column) is not null")
            default: problem(key, "must be true or false")
            }
            return
        default:
            return problem(key, "unknown filter operator '\(parts[1])' for \(field.name)")
        }
        switch field.type.parse(text: value, required: false) {
        case .success(let text): conditions.append("\(column) \(op) \(sql.bind(text))::\(field.type.sqlType)")
        case .failure(let p): problem(key, "'\(value.prefix(40))': \(p.message)")
        }
    }

    private mutating func readReserved(_ key: String, _ value: String) {
        switch key {
        case "q":
            guard let searchText = resource.searchText else { return problem(key, "this list has no full-text search") }
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty, value.count <= 200, !value.contains("\0") else {
                return problem(key, "must be 1 to 200 characters")
            }
            conditions.append("to_tsvector('russian', \(searchText)) @@ websearch_to_tsquery('russian', \(sql.bind(value)))")
        case "similar":
            guard let name = resource.similarName else { return problem(key, "this list has no similarity search") }
            guard value.count >= 3, value.count <= 200, !value.contains("\0") else { return problem(key, "must be 3 to 200 characters") }
            let placeholder = sql.bind(value)
            conditions.append("\(name) % \(placeholder)")
            similar = placeholder
        case "sort":
            let name = value.hasPrefix("-") ? String(value.dropFirst()) : value
            guard let field = resource.field(name), field.sortable else {
                let names = resource.fields.filter(\.sortable).map(\.name)
                return problem(
                    key, "cannot sort by '\(value.prefix(40))'; sort by \(names.joined(separator: ", ")) (prefix - for descending)")
            }
            sortField = field
            descending = value.hasPrefix("-")
        case "limit":
            guard let n = Int(value), (1...Self.maximumLimit).contains(n) else {
                return problem(key, "must be a whole number from 1 to \(Self.maximumLimit)")
            }
            limit = n
        case "cursor":
            cursorText = value
        case "count":
            switch value {
            case "true": wantsCount = true
            case "false": wantsCount = false
            default: problem(key, "must be true or false")
            }
        default:
            break  // saved_filter: resolved by the controller before this reads the parameters
        }
    }

    private mutating func applyCursor(_ token: String) {
        guard similar == nil else { return problem("cursor", "similarity results come in one page (use limit)") }
        guard let cursor = ListCursor(token: token, sort: sortKey, field: sortField) else {
            return problem("cursor", "not a cursor of this list and sort; start again without it")
        }
        let value = sql.bind(cursor.value)
        let id = sql.bind(cursor.id)
        let cast = sortField.type.sqlType
        conditions.append("(\(sortField.sortSQL), t.id) \(descending ? "<" : ">") (\(value)::\(cast), \(id))")
    }

    /// The sort as written in a cursor (`-created_at`).
    var sortKey: String { (descending ? "-" : "") + sortField.name }

    var whereClause: String {
        conditions.isEmpty ? "" : " where " + conditions.joined(separator: " and ")
    }

    /// The page statement: JSON of each row, its sort value and id; `limit + 1` rows tell
    /// whether there is a next page.
    func pageQuery() -> PostgresQueryText {
        var builder = sql
        let direction = descending ? "desc" : "asc"
        let order: String
        if let similar {
            order = "similarity(\(resource.similarName!), \(similar)) desc, t.id"
        } else {
            order = "\(sortField.sortSQL) \(direction), t.id \(direction)"
        }
        let limitPlaceholder = builder.bind(Int64(limit + 1))
        let text = """
            select \(resource.rowJSON), (\(sortField.sortSQL))::text, t.id \
            from \(resource.table) t\(whereClause) order by \(order) limit \(limitPlaceholder)
            """
        return PostgresQueryText(sql: text, builder: builder)
    }

    /// Every matching row in the list's order, each field as text, behind cursor `cursor` (an
    /// export: no page, no limit).
    func exportQuery(cursor: String) -> PostgresQueryText {
        let direction = descending ? "desc" : "asc"
        let order =
            similar.map { "similarity(\(resource.similarName!), \($0)) desc, t.id" }
            ?? "\(sortField.sortSQL) \(direction), t.id \(direction)"
        let columns = resource.fields.map { "(\($0.expression ?? "t.\($0.name)"))::text" }.joined(separator: ", ")
        return PostgresQueryText(
            sql: "declare \(cursor) no scroll cursor for select \(columns) from \(resource.table) t\(whereClause) order by \(order)",
            builder: sql)
    }

    /// The exact count under the same filters (only when asked: it reads every matching row).
    func countQuery() -> PostgresQueryText {
        PostgresQueryText(sql: "select count(*) from \(resource.table) t\(whereClause)", builder: sql)
    }
}

/// SQL text with its bindings.
struct PostgresQueryText {
    let sql: String
    let builder: SQLBuilder
}

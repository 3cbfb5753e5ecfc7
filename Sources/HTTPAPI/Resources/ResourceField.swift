/// One field of a resource: its JSON name (also its column), type and what the API allows.
public struct ResourceField: Sendable {
    /// Who may write a field.
    public enum Access: Sendable {
        /// Set by the server or the database (id, version, times, inherited rule columns).
        case readOnly
        /// Given at create, fixed afterwards (e.g. the client of a contact).
        case createOnly
        /// Given at create and changed by PATCH.
        case writable
    }

    /// Which list filters the field offers (`?name=`, repeated for a set; ranges add
    /// `name.gte`, `name.gt`, `name.lte`, `name.lt`; nullable ones also `name.null=true|false`).
    public enum Filter: Sendable {
        case none, equality, range
    }

    public let name: String
    public let type: FieldType
    public var access: Access
    /// Must be given at create (and then not null).
    public var required: Bool
    /// May be null (an optional field, or cleared by PATCH with null).
    public var nullable: Bool
    public var filter: Filter
    /// Lists can be sorted by it (non-null columns only: keyset pagination needs total order).
    public var sortable: Bool
    /// The SQL expression read for it (`t.` is the row); nil = the column itself.
    public var expression: String?
    /// A short description for the OpenAPI document.
    public var summary: String

    public init(
        _ name: String, _ type: FieldType, access: Access = .writable, required: Bool = false, nullable: Bool = true,
        filter: Filter = .none, sortable: Bool = false, expression: String? = nil, summary: String = ""
    ) {
        self.name = name
        self.type = type
        self.access = access
        self.required = required
        self.nullable = nullable
        self.filter = filter
        self.sortable = sortable
        self.expression = expression
        self.summary = summary
    }

    /// Whether the field is a stored column (written through `jsonb_populate_record`).
    var isColumn: Bool { expression == nil }

    /// The SQL producing the field's output value, named as the field.
    var selectSQL: String {
        let source = expression ?? "t.\(name)"
        return type.rendersAsText ? "(\(source))::text as \(name)" : "\(source) as \(name)"
    }

    /// The SQL the field is filtered on.
    var columnSQL: String { expression ?? "t.\(name)" }

    /// The SQL the field is sorted on: a nullable time sorts as if null were infinitely late
    /// (so keyset pagination has a total order).
    var sortSQL: String {
        guard nullable else { return columnSQL }
        return "coalesce(\(columnSQL), 'infinity'::\(type.sqlType))"
    }
}

extension ResourceField {
    /// `id`: bigint, read-only, filterable as a set, sortable.
    static let id = ResourceField("id", .integer(1...Int64.max), access: .readOnly, nullable: false, filter: .equality, sortable: true)
    /// `version`: the optimistic-concurrency counter (also the ETag).
    static let version = ResourceField("version", .integer(1...Int64.max), access: .readOnly, nullable: false)
    static let createdAt = ResourceField("created_at", .timestamp, access: .readOnly, nullable: false, filter: .range, sortable: true)
    static let updatedAt = ResourceField("updated_at", .timestamp, access: .readOnly, nullable: false, filter: .range, sortable: true)
    /// A rule column inherited from the parent or filled by the database.
    static func ruleColumn(_ name: String, _ table: String) -> ResourceField {
        ResourceField(name, .reference(table: table), access: .readOnly, filter: .equality)
    }
    /// owner_id: the acting user by default; reassignable.
    static let owner = ResourceField("owner_id", .reference(table: "crm.users"), nullable: false, filter: .equality)
    static let responsible = ResourceField("responsible_id", .reference(table: "crm.users"), filter: .equality)
    static let department = ResourceField("department_id", .reference(table: "crm.departments"), filter: .equality)
    static let territory = ResourceField("territory_id", .reference(table: "crm.territories"), filter: .equality)
    /// The name of the user a reference to `crm.users` names (`owner_id` → `owner_name`,
    /// `answered_by` → `answered_by_name`), read under the users' row rules: null when the
    /// caller may not see that user. Nil for other fields.
    static func personName(for field: ResourceField) -> ResourceField? {
        guard case .reference(let table) = field.type, table == "crm.users" else { return nil }
        let base = field.name.hasSuffix("_id") ? String(field.name.dropLast(3)) : field.name
        return ResourceField(
            base + "_name", .text(maxLength: 200), access: .readOnly,
            expression: "(select u.name from crm.users u where u.id = t.\(field.name))",
            summary: "the name of the user of \(field.name)")
    }

    /// The standard trailer: version and times.
    static let trailer: [ResourceField] = [.version, .createdAt, .updatedAt]
}

import PostgresClient

/// A business table served as a JSON resource under `/api/v1/<path>`: the one description
/// from which the routes, validation, SQL, list filters and the OpenAPI document are made.
/// Table, column and expression texts are constants of the description; request values are
/// only ever bound parameters.
public struct Resource: Sendable {
    /// The URL segment (`deals`, `custom-fields`).
    public let path: String
    /// The table, `crm.<name>`.
    public let table: String
    /// One row in words ("deal"), for messages and the OpenAPI document.
    public let singular: String
    public let fields: [ResourceField]
    /// The text searched with `?q=` (Russian full-text, an expression over `t.`), if any.
    public var searchText: String?
    /// The name compared by `?similar=` (trigram similarity), if any.
    public var similarName: String?
    /// The default sort (`-created_at`: newest first).
    public var defaultSort: String
    /// Which operations exist.
    public var operations: Set<Operation>
    /// Resource-specific checks run in the request's transaction before a write.
    public var rules: [any ResourceRule]
    /// A summary line for the OpenAPI document.
    public var summary: String

    public enum Operation: Sendable, Hashable {
        case list, read, create, update, delete
    }

    public init(
        path: String, table: String, singular: String, fields: [ResourceField], searchText: String? = nil,
        similarName: String? = nil, defaultSort: String = "-created_at",
        operations: Set<Operation> = [.list, .read, .create, .update, .delete], rules: [any ResourceRule] = [],
        summary: String
    ) {
        self.path = path
        self.table = table
        self.singular = singular
        // Where a row names a person, the person's name comes with the id (`owner_name`).
        self.fields = fields + fields.compactMap(ResourceField.personName(for:))
        self.searchText = searchText
        self.similarName = similarName
        self.defaultSort = defaultSort
        self.operations = operations
        self.rules = rules
        self.summary = summary
        for field in fields where field.sortable {
            let time: Bool
            switch field.type {
            case .timestamp, .date: time = true
            default: time = false
            }
            precondition(!field.nullable || time, "\(path).\(field.name): a sortable field must be non-null or a time")
        }
    }

    public func field(_ name: String) -> ResourceField? {
        fields.first { $0.name == name }
    }

    /// The JSON text of row `t`: its fields as members, in the order described.
    var rowJSON: String {
        "(select row_to_json(x) from (select \(fields.map(\.selectSQL).joined(separator: ", "))) x)::text"
    }
}

/// A check of one resource's writes that needs the database (duplicates, warnings, values
/// only the database can judge). Runs in the request's transaction after the field checks.
public protocol ResourceRule: Sendable {
    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome
    /// The codes of the warnings it may return with a successful create (for the OpenAPI document).
    var warningCodes: [String] { get }
}

extension ResourceRule {
    public var warningCodes: [String] { [] }
}

/// A write being checked: the validated values and, for an update, the row's id.
public struct ResourceWrite: Sendable {
    public let values: [String: JSONValue]
    /// The row being updated (nil at create).
    public let id: Int64?
}

/// What a rule found: more wrong fields, and warnings returned with a successful create.
public struct RuleOutcome: Sendable {
    public var problems: [APIError.FieldError] = []
    public var warnings: [JSONValue] = []
    public init(problems: [APIError.FieldError] = [], warnings: [JSONValue] = []) {
        self.problems = problems
        self.warnings = warnings
    }
}

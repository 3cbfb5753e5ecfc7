/// An error reported by PostgreSQL, libpq or the pool.
/// `description` contains the kind, SQLSTATE and message, never parameter values or `detail`.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// A coarse classification for callers that branch on errors.
    public enum Kind: String, Sendable, Hashable {
        case uniqueViolation, foreignKeyViolation, checkViolation, notNullViolation
        case serializationFailure, deadlock
        /// The connection is unusable (or could not be established).
        case connectionLost
        /// The pool had no free connection within its acquire timeout.
        case busy
        case queryCanceled, insufficientPrivilege, other
    }

    public var kind: Kind
    /// The five-character SQLSTATE, when the server sent one.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    public var schema: String?
    /// The SQL text of the failed statement (without parameter values).
    public var query: String?

    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil,
        hint: String? = nil, constraint: String? = nil, table: String? = nil,
        column: String? = nil, schema: String? = nil, query: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.schema = schema
        self.query = query
    }

    /// Whether retrying the whole transaction may succeed (serialization failure, deadlock).
    public var isRetryable: Bool { kind == .serializationFailure || kind == .deadlock }

    public var description: String {
        var out = "PostgresError.\(kind.rawValue)"
        if let sqlState { out += " (SQLSTATE \(sqlState))" }
        return out + ": " + message
    }

    /// The kind for a SQLSTATE.
    public static func kind(forSQLState state: String?) -> Kind {
        guard let state else { return .other }
        switch state {
        case "23505": return .uniqueViolation
        case "23503": return .foreignKeyViolation
        case "23514": return .checkViolation
        case "23502": return .notNullViolation
        case "40001": return .serializationFailure
        case "40P01": return .deadlock
        case "57014": return .queryCanceled
        case "42501": return .insufficientPrivilege
        case "57P01", "57P02", "57P03": return .connectionLost
        default: return state.hasPrefix("08") ? .connectionLost : .other
        }
    }
}

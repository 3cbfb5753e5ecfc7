/// SQL text with bound parameters. Interpolated values become `$1`, `$2`, ... and are sent
/// separately from the SQL, so they can never change the statement.
///
///     let q: PostgresQuery = "select * from t where id = \(id) and name = \(name)"
public struct PostgresQuery: ExpressibleByStringInterpolation, Sendable, Hashable {
    public let sql: String
    public let bindings: [PostgresBinding]

    /// Trusted static SQL without parameters (for example a migration file).
    public init(unsafeSQL: String) {
        self.sql = unsafeSQL
        self.bindings = []
    }

    /// SQL with explicit `$n` placeholders and their bindings.
    public init(sql: String, bindings: [PostgresBinding]) {
        self.sql = sql
        self.bindings = bindings
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.bindings = stringInterpolation.bindings
    }

    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var sql: String
        var bindings: [PostgresBinding] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            bindings.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds a value as the next `$n` parameter (`nil` binds NULL).
        public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T) {
            bindings.append(PostgresBinding(value))
            sql += "$\(bindings.count)"
        }

        /// Binds an optional value (`nil` binds NULL).
        public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T?) {
            bindings.append(PostgresBinding(value))
            sql += "$\(bindings.count)"
        }

        /// Inserts a quoted identifier (`"my ""table"""`), for names chosen at run time.
        public mutating func appendInterpolation(identifier: String) {
            sql += PostgresQuery.quoteIdentifier(identifier)
        }
    }

    /// Quotes an identifier: wraps it in double quotes and doubles embedded double quotes.
    /// NUL characters, which PostgreSQL never accepts, are removed.
    public static func quoteIdentifier(_ name: String) -> String {
        var out = "\""
        for ch in name.unicodeScalars where ch != "\0" {
            if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
        }
        return out + "\""
    }
}

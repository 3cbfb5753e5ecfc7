/// A Swift value that can be decoded from the text-format value of a result column.
public protocol PostgresDecodable {
    /// Decodes a non-NULL value. `type` is the column's type OID.
    init(postgresText text: String, type: PostgresDataType) throws
    /// The value for SQL NULL; the default throws (only `Optional` accepts NULL).
    static func postgresNull() throws -> Self
}

extension PostgresDecodable {
    public static func postgresNull() throws -> Self {
        throw PostgresDecodingFailure("unexpected NULL")
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = .some(try Wrapped(postgresText: text, type: type))
    }

    public static func postgresNull() throws -> Wrapped? { nil }
}

/// Thrown by `PostgresDecodable` conformances; the row wraps it into a `PostgresDecodingError`.
/// The reason must never contain the value being decoded.
public struct PostgresDecodingFailure: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

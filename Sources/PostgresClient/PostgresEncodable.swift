/// A Swift value that can be sent as a query parameter in PostgreSQL text format.
public protocol PostgresEncodable: Sendable {
    /// The parameter type OID sent to the server (`.unknown` lets the server infer it).
    static var postgresType: PostgresDataType { get }
    /// The array type OID used when this type is an element of a Swift array.
    static var postgresArrayType: PostgresDataType { get }
    /// The text-format value; `nil` is SQL NULL.
    var postgresText: String? { get }
}

extension PostgresEncodable {
    public static var postgresArrayType: PostgresDataType { .unknown }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresDataType { Wrapped.postgresType }
    public static var postgresArrayType: PostgresDataType { Wrapped.postgresArrayType }
    public var postgresText: String? { self.flatMap(\.postgresText) }
}

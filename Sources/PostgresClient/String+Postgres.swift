/// Strings are sent with OID 0 (unknown) so the server can coerce them to the column's type
/// (`where uuid_col = \(someString)` works). Any column decodes as its text form.
extension String: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .unknown }
    public static var postgresArrayType: PostgresDataType { .textArray }
    public var postgresText: String? { self }
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = text
    }
}

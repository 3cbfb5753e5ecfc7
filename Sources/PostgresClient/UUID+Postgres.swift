import struct Foundation.UUID

extension UUID: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .uuid }
    public static var postgresArrayType: PostgresDataType { .uuidArray }
    public var postgresText: String? { uuidString.lowercased() }
    public init(postgresText text: String, type: PostgresDataType) throws {
        guard let uuid = UUID(uuidString: text) else { throw PostgresDecodingFailure("not a UUID") }
        self = uuid
    }
}

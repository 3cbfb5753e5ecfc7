/// Shared text decoding for the fixed-width integers.
private func parseInteger<T: FixedWidthInteger>(_ text: String, as _: T.Type) throws -> T {
    guard let value = T(text) else {
        throw PostgresDecodingFailure("not an integer that fits \(T.self)")
    }
    return value
}

extension Int: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int8 }
    public static var postgresArrayType: PostgresDataType { .int8Array }
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = try parseInteger(text, as: Int.self)
    }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int8 }
    public static var postgresArrayType: PostgresDataType { .int8Array }
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = try parseInteger(text, as: Int64.self)
    }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int4 }
    public static var postgresArrayType: PostgresDataType { .int4Array }
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = try parseInteger(text, as: Int32.self)
    }
}

extension Int16: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int2 }
    public static var postgresArrayType: PostgresDataType { .int2Array }
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = try parseInteger(text, as: Int16.self)
    }
}

/// `UInt8` on its own is a smallint; `[UInt8]` is `bytea` (see `Array`).
extension UInt8: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int2 }
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = try parseInteger(text, as: UInt8.self)
    }
}

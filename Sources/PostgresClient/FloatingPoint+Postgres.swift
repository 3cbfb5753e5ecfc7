/// Text form accepted by PostgreSQL's float input (`Infinity`, `-Infinity`, `NaN`).
private func floatText<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
    return value.description
}

private func parseFloat<T: BinaryFloatingPoint & LosslessStringConvertible>(_ text: String) throws -> T {
    switch text {
    case "NaN": return .nan
    case "Infinity": return .infinity
    case "-Infinity": return -.infinity
    default:
        guard let value = T(text) else { throw PostgresDecodingFailure("not a number") }
        return value
    }
}

extension Double: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .float8 }
    public static var postgresArrayType: PostgresDataType { .float8Array }
    public var postgresText: String? { floatText(self) }
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = try parseFloat(text)
    }
}

extension Float: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .float4 }
    public static var postgresArrayType: PostgresDataType { .float4Array }
    public var postgresText: String? { floatText(self) }
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = try parseFloat(text)
    }
}

import struct Foundation.Decimal

/// `Decimal` binds as NUMERIC. Decoding is exact: a value `Decimal` cannot hold exactly
/// (more than 38 significant digits, or an exponent out of range) throws instead of rounding.
extension Decimal: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .numeric }
    public static var postgresArrayType: PostgresDataType { .numericArray }
    public var postgresText: String? { isNaN ? "NaN" : description }

    public init(postgresText text: String, type: PostgresDataType) throws {
        if text == "NaN" {
            self = .nan
            return
        }
        guard let parsed = NumericText(text) else {
            throw PostgresDecodingFailure("not a finite decimal number")
        }
        guard let exact = Decimal(exactly: parsed) else {
            throw PostgresDecodingFailure("value cannot be represented exactly by Decimal (use PostgresNumeric)")
        }
        self = exact
    }

    /// Builds a Decimal holding exactly the parsed value, or nil.
    init?(exactly parsed: NumericText) {
        if parsed.digits.isEmpty {
            self = 0
            return
        }
        guard parsed.digits.count <= 38, (-128...127).contains(parsed.exponent),
            let significand = Decimal(string: parsed.digits)
        else { return nil }
        let value = Decimal(
            sign: parsed.negative ? .minus : .plus,
            exponent: parsed.exponent, significand: significand)
        // Belt and braces: the result must print back to the same digits.
        guard NumericText(value.description) == parsed else { return nil }
        self = value
    }
}

import struct Foundation.Decimal

/// The exact text of a NUMERIC value, for values beyond `Decimal`'s 38 digits.
public struct PostgresNumeric: Sendable, Hashable, CustomStringConvertible,
    PostgresEncodable, PostgresDecodable
{
    /// The NUMERIC text as PostgreSQL prints it, e.g. `-123.4500`, `NaN`, `Infinity`.
    public let text: String

    /// Accepts `[+-]digits[.digits][e[+-]digits]`, `NaN`, `Infinity`, `-Infinity`.
    public init?(_ text: String) {
        guard Self.specials.contains(text) || NumericText(text) != nil else { return nil }
        self.text = text
    }

    public init(_ decimal: Decimal) { self.text = decimal.isNaN ? "NaN" : decimal.description }
    public init<T: BinaryInteger>(_ value: T) { self.text = String(value) }

    /// The value as a `Decimal` if it can be held exactly, else nil.
    public var decimal: Decimal? {
        if text == "NaN" { return .nan }
        return NumericText(text).flatMap { Decimal(exactly: $0) }
    }

    /// Whether both denote the same number, ignoring scale (`1.50` equals `1.5`).
    public func isNumericallyEqual(to other: PostgresNumeric) -> Bool {
        if let a = NumericText(text), let b = NumericText(other.text) { return a == b }
        return text == other.text
    }

    public var description: String { text }

    public static var postgresType: PostgresDataType { .numeric }
    public static var postgresArrayType: PostgresDataType { .numericArray }
    public var postgresText: String? { text }

    public init(postgresText text: String, type: PostgresDataType) throws {
        guard let value = PostgresNumeric(text) else { throw PostgresDecodingFailure("not a number") }
        self = value
    }

    private static let specials: Set<String> = ["NaN", "Infinity", "-Infinity"]
}

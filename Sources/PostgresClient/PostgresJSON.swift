import Foundation

/// A `Codable` value stored as `jsonb` (sent as jsonb; decodes from json or jsonb).
public struct PostgresJSON<Value: Codable & Sendable>: Sendable, PostgresEncodable, PostgresDecodable {
    public var value: Value

    public init(_ value: Value) { self.value = value }

    public static var postgresType: PostgresDataType { .jsonb }
    public static var postgresArrayType: PostgresDataType { .jsonbArray }

    public var postgresText: String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a Codable value to JSON only fails for non-finite floats; bind NULL would
        // silently lose data, so send invalid JSON and let the server reject the statement.
        guard let data = try? encoder.encode(value) else { return "<unencodable JSON value>" }
        return String(decoding: data, as: UTF8.self)
    }

    public init(postgresText text: String, type: PostgresDataType) throws {
        do {
            value = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        } catch {
            throw PostgresDecodingFailure("JSON does not decode as \(Value.self)")
        }
    }
}

extension PostgresJSON: Equatable where Value: Equatable {}
extension PostgresJSON: Hashable where Value: Hashable {}

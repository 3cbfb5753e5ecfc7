import struct Foundation.Date

/// `Date` binds as `timestamptz` in ISO 8601 with microseconds (UTC); decodes from
/// `timestamptz`, `timestamp` (taken as UTC) and `date` (midnight UTC).
extension Date: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .timestamptz }
    public static var postgresArrayType: PostgresDataType { .timestamptzArray }

    public var postgresText: String? {
        TimestampText.format(micros: Int64((timeIntervalSince1970 * 1_000_000).rounded()))
    }

    public init(postgresText text: String, type: PostgresDataType) throws {
        guard let micros = TimestampText.parse(text) else {
            throw PostgresDecodingFailure("not a finite ISO timestamp or date")
        }
        self.init(postgresMicroseconds: micros)
    }

    /// The date `micros` microseconds after 1970-01-01 00:00:00 UTC.
    public init(postgresMicroseconds micros: Int64) {
        self.init(timeIntervalSince1970: Double(micros) / 1_000_000)
    }
}

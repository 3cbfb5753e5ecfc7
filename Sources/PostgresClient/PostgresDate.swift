import struct Foundation.Date

/// A calendar date without time of day, bound as `date`.
public struct PostgresDate: Sendable, Hashable, PostgresEncodable, PostgresDecodable {
    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int64

    public init(daysSinceEpoch: Int64) { self.daysSinceEpoch = daysSinceEpoch }

    public init(year: Int, month: Int, day: Int) {
        daysSinceEpoch = TimestampText.days(fromCivil: Int64(year), Int64(month), Int64(day))
    }

    /// The day (UTC) containing `date`.
    public init(_ date: Date) {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        daysSinceEpoch = TimestampText.floorDiv(micros, TimestampText.microsPerDay)
    }

    /// Midnight UTC of this day.
    public var date: Date { Date(postgresMicroseconds: daysSinceEpoch * TimestampText.microsPerDay) }

    public static var postgresType: PostgresDataType { .date }
    public static var postgresArrayType: PostgresDataType { .dateArray }
    public var postgresText: String? { TimestampText.formatDate(days: daysSinceEpoch) }

    public init(postgresText text: String, type: PostgresDataType) throws {
        guard let micros = TimestampText.parse(text) else {
            throw PostgresDecodingFailure("not a finite ISO date")
        }
        daysSinceEpoch = TimestampText.floorDiv(micros, TimestampText.microsPerDay)
    }
}

import PostgresClient

/// A result row read by column index (text values; nil is NULL).
typealias PostgresRowView = PostgresRow

import Foundation
import PostgresClient
import Testing

struct Address: Codable, Equatable, Sendable {
    var city: String
    var lines: [String]
    var zip: Int?
}

@Suite struct RoundTripTests {
    /// `select $1` and a column of `sqlType`: the value (and NULL) must come back unchanged.
    func roundTrip<T: PostgresEncodable & PostgresDecodable & Equatable>(
        _ connection: PostgresConnection, _ values: [T], sqlType: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        for value in values {
            let selected = try await connection.query("select \(value) as v")
            #expect(try selected[0].decode(T.self, at: 0) == value, sourceLocation: sourceLocation)
            let cast = try await connection.query(
                PostgresQuery(sql: "select $1::\(sqlType) as v", bindings: [PostgresBinding(value)]))
            #expect(try cast[0].decode(T.self, named: "v") == value, sourceLocation: sourceLocation)
        }
        let table = "rt_\(UInt32.random(in: 0...UInt32.max))"
        try await connection.execute(script: "create temp table \(table) (n int primary key, v \(sqlType))")
        for (n, value) in values.enumerated() {
            _ = try await connection.query("insert into \(identifier: table) values (\(n), \(value))")
        }
        _ = try await connection.query("insert into \(identifier: table) values (-1, \(T?.none))")
        let rows = try await connection.query("select v from \(identifier: table) order by n")
        #expect(rows.count == values.count + 1, sourceLocation: sourceLocation)
        #expect(try rows[0].decode(T?.self, at: 0) == nil, sourceLocation: sourceLocation)
        let decoded = try rows.dropFirst().map { try $0.decode(T.self, at: 0) }
        #expect(decoded == values, sourceLocation: sourceLocation)
    }

    @Test func scalarsRoundTrip() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                try await roundTrip(c, [0, 1, -1, Int.max, Int.min], sqlType: "int8")
                try await roundTrip(c, [Int32.min, 0, Int32.max], sqlType: "int4")
                try await roundTrip(c, [Int64.min, 7, Int64.max], sqlType: "int8")
                try await roundTrip(c, [Int16.min, 3, Int16.max], sqlType: "int2")
                try await roundTrip(c, [true, false], sqlType: "bool")
                try await roundTrip(
                    c, [0.1, -1e300, 1.0000000000000002, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude],
                    sqlType: "float8")
                try await roundTrip(c, [Float(0.1), Float(-3.4e38), Float(1.5)], sqlType: "float4")
                try await roundTrip(c, [UUID(), UUID()], sqlType: "uuid")
            }
        }
    }

    @Test func textRoundTrips() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                let values = [
                    "", "Иванов Пётр, ООО «Ромашка»", "quote ' \" \\ tab\t newline\n cr\r",
                    "😀 emoji", "'); drop table customers; --", "NULL", String(repeating: "long", count: 5000),
                ]
                try await roundTrip(c, values, sqlType: "text")
                try await roundTrip(c, values, sqlType: "varchar")
            }
        }
    }

    @Test func numericRoundTrips() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                let money = ["1234567890123456.78", "-0.01", "0.00", "9999999999999999.99"]
                    .map { Decimal(string: $0)! }
                try await roundTrip(c, money, sqlType: "numeric(18,2)")
                let exactText = try await c.query("select \(money[0])::numeric(18,2)::text")
                #expect(try exactText[0].decode(String.self, at: 0) == "1234567890123456.78")
                try await roundTrip(
                    c,
                    [
                        Decimal(string: "12345678901234567890123456789012345678")!,
                        Decimal(string: "-0.000000000000000000000000000001")!,
                    ],
                    sqlType: "numeric")

                let huge = "123456789012345678901234567890123456789012345678901234567890.123456789"
                let big = [
                    PostgresNumeric(huge)!, PostgresNumeric("-" + String(repeating: "9", count: 60))!,
                    PostgresNumeric("NaN")!,
                ]
                try await roundTrip(c, big, sqlType: "numeric")
                let sum = try await c.query("select \(big[0]) + 1")
                #expect(
                    try sum[0].decode(PostgresNumeric.self, at: 0).text
                        == "123456789012345678901234567890123456789012345678901234567891.123456789")
            }
        }
    }

    @Test func decimalRefusesInexactNumeric() async throws {
        try await withTestPool { pool, _ in
            let rows = try await pool.query(
                """
                select 123456789012345678901234567890123456789012345678901234567890::numeric as big,
                       0.123456789012345678901234567890123456789::numeric as tiny
                """)
            for column in ["big", "tiny"] {
                #expect(throws: PostgresDecodingError.self) { try rows[0].decode(Decimal.self, named: column) }
                #expect(try rows[0].decode(PostgresNumeric.self, named: column).decimal == nil)
            }
            let error = #expect(throws: PostgresDecodingError.self) { try rows[0].decode(Decimal.self, named: "big") }
            #expect(error?.postgresType == .numeric)
            #expect(error?.description.contains("1234567890") == false)
        }
    }

    @Test func datesRoundTrip() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                // Date is a Double: microseconds survive for years ~1900...2100.
                let dayMicros: Int64 = 86_400_000_000
                let dates = [
                    Date(postgresMicroseconds: 1_700_000_000_123_456), Date(postgresMicroseconds: -1),
                    Date(postgresMicroseconds: 0),
                    Date(postgresMicroseconds: PostgresDate(year: 2100, month: 1, day: 1).daysSinceEpoch * dayMicros + 1),
                    Date(postgresMicroseconds: PostgresDate(year: 1900, month: 6, day: 15).daysSinceEpoch * dayMicros - 999_999),
                ]
                try await roundTrip(c, dates, sqlType: "timestamptz")
                try await roundTrip(
                    c,
                    [
                        PostgresDate(year: 2024, month: 2, day: 29),
                        PostgresDate(year: 1900, month: 1, day: 1),
                    ], sqlType: "date")
                let rows = try await c.query(
                    """
                    select '2024-02-29'::date, '2024-02-29 10:11:12.000001'::timestamp,
                           '2024-02-29 10:11:12.5+05:30'::timestamptz
                    """)
                let (day, local, zoned) = try rows[0].decode((Date, Date, Date).self)
                #expect(day == Date(postgresMicroseconds: 1_709_164_800_000_000))
                #expect(local == Date(postgresMicroseconds: 1_709_164_800_000_000 + 36_672_000_001))
                #expect(zoned == Date(postgresMicroseconds: 1_709_164_800_000_000 + 36_672_500_000 - 19_800_000_000))
                let now = Date()
                let back = try await c.query("select \(now)")
                let delta = try back[0].decode(Date.self, at: 0).timeIntervalSince(now)
                #expect(abs(delta) <= 0.000_001)
            }
        }
    }

    @Test func arraysRoundTrip() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                try await roundTrip(c, [[1, 2, 3], [], [Int.min]], sqlType: "int8[]")
                try await roundTrip(c, [[Int?.none, 5, nil]], sqlType: "int8[]")
                let tricky: [String?] = [
                    "a", nil, "b,c", "q\"uote", "back\\slash", "NULL", "", " pad ",
                    "{braces}", "Иванов Пётр, ООО «Ромашка»", "tab\tnew\nline",
                ]
                try await roundTrip(c, [tricky, [], [nil]], sqlType: "text[]")
                try await roundTrip(c, [[UUID(), UUID()]], sqlType: "uuid[]")
                try await roundTrip(c, [[Decimal(string: "1.10")!, Decimal(string: "-2")!]], sqlType: "numeric[]")
                try await roundTrip(c, [[true, false]], sqlType: "bool[]")
                try await roundTrip(c, [[Date(postgresMicroseconds: 1_700_000_000_123_456)]], sqlType: "timestamptz[]")
                let rows = try await c.query("select array_length(\(tricky), 1), (\(tricky))[3]")
                #expect(try rows[0].decode((Int, String).self) == (11, "b,c"))
            }
        }
    }

    @Test func byteaRoundTrips() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                let all = [UInt8](0...255)
                try await roundTrip(c, [all, [], [0], all.reversed()], sqlType: "bytea")
                try await roundTrip(c, [Data(all), Data()], sqlType: "bytea")
                let length = try await c.query("select length(\(all)), get_byte(\(all), 255)")
                #expect(try length[0].decode((Int, Int).self) == (256, 255))
            }
        }
    }

    @Test func jsonRoundTrips() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                let values = [
                    PostgresJSON(Address(city: "Москва", lines: ["ул. Ленина, д. 1", "кв. \"5\""], zip: nil)),
                    PostgresJSON(Address(city: "", lines: [], zip: 101000)),
                ]
                try await roundTrip(c, values, sqlType: "jsonb")
                try await roundTrip(c, values, sqlType: "json")
                let rows = try await c.query("select \(values[0]) ->> 'city'")
                #expect(try rows[0].decode(String.self, at: 0) == "Москва")
                #expect(throws: PostgresDecodingError.self) {
                    try rows[0].decode(PostgresJSON<Address>.self, at: 0)
                }
            }
        }
    }

    @Test func nullsAndOptionals() async throws {
        try await withTestPool { pool, _ in
            let rows = try await pool.query("select null::int8 as a, 5::int8 as b, null::text as c")
            let (a, b, c) = try rows[0].decode((Int?, Int?, String?).self)
            #expect(a == nil && b == 5 && c == nil)
            let error = #expect(throws: PostgresDecodingError.self) { try rows[0].decode(Int.self, named: "a") }
            #expect(error?.columnName == "a")
            #expect(error?.columnIndex == 0)
            #expect(rows.columns == ["a", "b", "c"])
        }
    }

    @Test func stringParameterComparesWithUUIDColumn() async throws {
        try await withTestPool { pool, _ in
            let id = UUID()
            try await pool.withConnection { c in
                try await c.execute(script: "create table u (id uuid primary key, name text)")
                _ = try await c.query("insert into u values (\(id), \("x"))")
                let rows = try await c.query("select name from u where id = \(id.uuidString)")
                #expect(try rows.first?.decode(String.self, at: 0) == "x")
                let many = try await c.query("select count(*) from u where id = any(\([id]))")
                #expect(try many[0].decode(Int.self, at: 0) == 1)
            }
        }
    }

    @Test func injectionIsImpossible() async throws {
        try await withTestPool { pool, _ in
            try await pool.withConnection { c in
                try await c.execute(script: "create table victims (name text)")
                let evil = "x'); drop table victims; --"
                let inserted = try await c.query("insert into victims values (\(evil))")
                #expect(inserted.affectedRows == 1)
                let rows = try await c.query("select name from victims")
                #expect(try rows[0].decode(String.self, at: 0) == evil)
                let weird = "we\"ird; drop table victims"
                try await c.execute(script: "create table \(PostgresQuery.quoteIdentifier(weird)) (a int)")
                let count = try await c.query("select count(*) from \(identifier: weird)")
                #expect(try count[0].decode(Int.self, at: 0) == 0)
            }
        }
    }
}

import Foundation
import PostgresClient
import Testing

@Suite struct QueryBuildingTests {
    @Test func interpolationBindsParameters() {
        let id = 42
        let name = "x'; drop table t; --"
        let missing: String? = nil
        let q: PostgresQuery = "select * from t where id = \(id) and name = \(name) or n = \(missing)"
        #expect(q.sql == "select * from t where id = $1 and name = $2 or n = $3")
        #expect(q.bindings.count == 3)
        #expect(q.bindings[0] == PostgresBinding(text: "42", type: .int8))
        #expect(q.bindings[1] == PostgresBinding(text: name, type: .unknown))
        #expect(q.bindings[2] == PostgresBinding(text: nil, type: .unknown))
    }

    @Test func identifierIsQuoted() {
        let q: PostgresQuery = "select * from \(identifier: "we\"ird") where a = \(1)"
        #expect(q.sql == "select * from \"we\"\"ird\" where a = $1")
        #expect(PostgresQuery.quoteIdentifier("plain") == "\"plain\"")
    }

    @Test func unsafeSQLHasNoBindings() {
        let q = PostgresQuery(unsafeSQL: "create table t (id int); insert into t values (1)")
        #expect(q.bindings.isEmpty)
    }

    @Test func parameterTypes() {
        #expect(Int.postgresType == .int8)
        #expect(Int32.postgresType == .int4)
        #expect(Bool.postgresType == .bool)
        #expect(Double.postgresType == .float8)
        #expect(Decimal.postgresType == .numeric)
        #expect(Date.postgresType == .timestamptz)
        #expect(UUID.postgresType == .uuid)
        #expect(PostgresJSON<[String]>.postgresType == .jsonb)
        #expect([UInt8].postgresType == .bytea)
        #expect(Data.postgresType == .bytea)
        #expect([Int].postgresType == .int8Array)
        #expect([String?].postgresType == .textArray)
        #expect(String.postgresType == .unknown)
        #expect(Int?.postgresType == .int8)
    }

    @Test func dateTextHasMicroseconds() {
        let date = Date(postgresMicroseconds: 1_700_000_000_123_456)
        #expect(date.postgresText == "2023-11-14 22:13:20.123456+00")
        let before1970 = Date(postgresMicroseconds: -1)
        #expect(before1970.postgresText == "1969-12-31 23:59:59.999999+00")
    }

    @Test func byteaIsHex() {
        #expect([UInt8]([0, 1, 0xAB, 0xFF]).postgresText == "\\x0001abff")
    }

    @Test func copyRowEscaping() {
        let row = PostgresCopy.textRow([1, "a\tb\nc\\d\re", nil, Optional<String>.none, "Пётр"])
        #expect(row == "1\ta\\tb\\nc\\\\d\\re\t\\N\t\\N\tПётр\n")
    }

    @Test func arrayLiteralFormatting() {
        let values: [String?] = ["a", nil, "b,c", "q\"uote", "back\\slash", "NULL", ""]
        #expect(values.postgresText == #"{"a",NULL,"b,c","q\"uote","back\\slash","NULL",""}"#)
    }

    @Test func arrayLiteralParsing() throws {
        let parsed = try [String?](
            postgresText: #"{a,NULL,"b,c","q\"uote","back\\slash","NULL","",  spaced  , null}"#,
            type: .textArray)
        #expect(parsed == ["a", nil, "b,c", "q\"uote", "back\\slash", "NULL", "", "spaced", nil])
        #expect(try [Int](postgresText: "{}", type: .int8Array) == [])
        #expect(try [Int](postgresText: "[0:2]={1,2,3}", type: .int8Array) == [1, 2, 3])
        #expect(throws: PostgresDecodingFailure.self) { try [Int](postgresText: "{{1,2},{3,4}}", type: .int8Array) }
        #expect(throws: PostgresDecodingFailure.self) { try [Int](postgresText: "{1,NULL}", type: .int8Array) }
        #expect(throws: PostgresDecodingFailure.self) { try [String](postgresText: "{\"open", type: .textArray) }
    }

    @Test func timestampParsing() throws {
        let cases: [(String, Int64)] = [
            ("1970-01-01 00:00:00+00", 0),
            ("2023-11-14 22:13:20.123456+00", 1_700_000_000_123_456),
            ("2023-11-15 01:13:20.5+03", 1_700_000_000_500_000),
            ("2023-11-14 16:43:20-05:30", 1_700_000_000_000_000),
            ("1969-12-31 23:59:59.999999+00", -1),
            ("2024-02-29", 1_709_164_800_000_000),
        ]
        for (text, micros) in cases {
            let date = try Date(postgresText: text, type: .timestamptz)
            #expect(date == Date(postgresMicroseconds: micros), "\(text)")
        }
        #expect(throws: PostgresDecodingFailure.self) { try Date(postgresText: "infinity", type: .timestamptz) }
        #expect(throws: PostgresDecodingFailure.self) { try Date(postgresText: "2024-13-01", type: .date) }
    }

    @Test func decimalExactness() throws {
        #expect(
            try Decimal(postgresText: "1234567890123456.78", type: .numeric)
                == Decimal(string: "1234567890123456.78")!)
        #expect(try Decimal(postgresText: "-0.000100", type: .numeric) == Decimal(string: "-0.0001")!)
        let digits38 = String(repeating: "9", count: 38)
        #expect(try Decimal(postgresText: digits38, type: .numeric).description == digits38)
        #expect(throws: PostgresDecodingFailure.self) {
            try Decimal(postgresText: "1" + String(repeating: "0", count: 37) + "1", type: .numeric)
        }
        #expect(throws: PostgresDecodingFailure.self) { try Decimal(postgresText: "12abc", type: .numeric) }
        #expect(PostgresNumeric("12abc") == nil)
        #expect(PostgresNumeric("-1.50")!.isNumericallyEqual(to: PostgresNumeric("-1.5")!))
    }
}

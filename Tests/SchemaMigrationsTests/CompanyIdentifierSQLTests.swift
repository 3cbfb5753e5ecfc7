import Foundation
import Logging
import PostgresClient
import SchemaMigrations
import TestSupport
import Testing

/// The database's ИНН/КПП/ОГРН checks agree with the reference values (and so with the Swift
/// validators, which pass the same values in CompanyIdentifiersTests).
@Suite struct CompanyIdentifierSQLTests {
    @Test func checksAgreeWithReferenceValues() async throws {
        let conninfo = try await TestPostgres.makeDatabase()
        let logger = Logger(label: "test.identifiers")
        let connection = try await PostgresConnection.connect(conninfo, threadPool: TestPostgres.ownThread(), logger: logger)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
        _ = try await MigrationRunner(logger: logger).migrate(try MigrationSource.load(directory: repository + "/sql"), on: connection)
        let cases: [(String, String, Bool)] = [
            ("inn", "7707083893", true), ("inn", "7736207543", true), ("inn", "500100732259", true), ("inn", "784806113663", true),
            ("inn", "7707083894", false), ("inn", "500100732258", false), ("inn", "500100732269", false), ("inn", "77070838", false),
            ("inn", "77O7083893", false), ("inn", "", false),
            ("kpp", "773601001", true), ("kpp", "7736AB001", true), ("kpp", "7736ab001", false), ("kpp", "77360100", false),
            ("ogrn", "1027700132195", true), ("ogrn", "1037739010891", true), ("ogrn", "304500116000157", true),
            ("ogrn", "316774600000009", true), ("ogrn", "1027700132196", false), ("ogrn", "304500116000158", false),
            ("ogrn", "10277001321", false),
        ]
        for (kind, value, expected) in cases {
            let sql: PostgresQuery
            switch kind {
            case "inn": sql = "select crm.inn_is_valid(\(value))"
            case "kpp": sql = "select crm.kpp_is_valid(\(value))"
            default: sql = "select crm.ogrn_is_valid(\(value))"
            }
            #expect(try await connection.query(sql)[0].decode(Bool.self, at: 0) == expected, "\(kind) \(value)")
        }
        await connection.close()
    }
}

import AccessControl
import PostgresClient
import Testing

/// The access model's words are stated once in SQL (domains, an enum, check constraints) and
/// once in Swift (`AccessVocabulary`, for the console and the web pages): the two must be the same.
@Suite("Access vocabulary: Swift and SQL agree", .stopsItsServers)
struct AccessVocabularyTests {
    @Test func sameWordsInSwiftAndSQL() async throws {
        let server = try await RunningServer.start()
        // The values a check constraint allows, in the order it lists them.
        func allowed(_ constraintQuery: PostgresQuery) async throws -> [String] {
            let definition = try await ownerQuery(server, constraintQuery)[0].decode(String.self, at: 0)
            var values: [String] = []
            var rest = Substring(definition)
            while let open = rest.firstIndex(of: "'") {
                let after = rest.index(after: open)
                guard let close = rest[after...].firstIndex(of: "'") else { break }
                values.append(String(rest[after..<close]))
                rest = rest[rest.index(after: close)...]
            }
            return values
        }
        func domain(_ name: String) -> PostgresQuery {
            """
            select pg_get_constraintdef(c.oid) from pg_constraint c join pg_type t on t.oid = c.contypid
            join pg_namespace n on n.oid = t.typnamespace where n.nspname || '.' || t.typname = \(name)
            """
        }
        func column(_ table: String, _ column: String) -> PostgresQuery {
            """
            select pg_get_constraintdef(c.oid) from pg_constraint c
            where c.conrelid = \(table)::regclass and c.contype = 'c'
              and c.conkey = array[(select attnum from pg_attribute where attrelid = \(table)::regclass and attname = \(column))]
            """
        }
        #expect(try await allowed(domain("crm.entity_name")) == AccessVocabulary.entities)
        #expect(try await allowed(domain("crm.action_name")) == AccessVocabulary.actions)
        let scopes = try await ownerQuery(server, "select enum_range(null::crm.scope)::text[]")[0].decode([String].self, at: 0)
        #expect(scopes == AccessVocabulary.scopes)
        #expect(try await allowed(column("crm.networks", "purpose")) == AccessVocabulary.purposes)
        #expect(try await allowed(column("audit.log", "action")) == AccessVocabulary.auditActions)
        try await server.stop()
    }
}

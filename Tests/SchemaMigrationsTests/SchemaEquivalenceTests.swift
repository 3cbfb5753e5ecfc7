import EmbeddedPostgres
import Foundation
import Logging
import PostgresClient
import SchemaMigrations
import TestSupport
import Testing

/// The move of every function, view, trigger, policy and grant into `sql/schema/` changed
/// nothing, and the schema files are complete: compared by `pg_dump --schema-only`.
///
/// (a) the frozen chain `sql/legacy/` (+ `sql/migrations/`) without a schema pass and the same
///     with the schema pass (the server's way) dump the same;
/// (a') a database whose policies, triggers, grants to the crm roles, function bodies
///     (plpgsql and plain sql), `search_path` settings and SECURITY DEFINER flags were stripped
///     comes back to the same dump when the schema files are applied: nothing of it lives
///     only in the migrations;
/// (b) a database built by the legacy chain, with the demo company, its data and more deals
///     installed by the legacy functions, upgraded by the runner: no migration re-applied, the
///     data is there, the audit chain verifies, and its dump equals a fresh database's;
/// (c) a changed schema file re-applies the schema files (checksum); a second run applies nothing.
@Suite struct SchemaEquivalenceTests {
    static let sqlDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../sql").standardized.path
    let logger = Logger(label: "test.schema")

    func connect(_ conninfo: String) async throws -> PostgresConnection {
        try await PostgresConnection.connect(conninfo, threadPool: TestPostgres.ownThread(), logger: logger)
    }

    /// A database migrated by the runner with `migrations` and `schema`.
    func build(_ migrations: [Migration], schema: [SchemaFile]) async throws -> (name: String, conninfo: String) {
        let name = "sch_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let conninfo = try await TestPostgres.makeDatabase(name: name)
        let connection = try await connect(conninfo)
        defer { connection.close() }
        _ = try await MigrationRunner(logger: logger).migrate(migrations, schema: schema, on: connection)
        return (name, conninfo)
    }

    /// The versioned migrations without anything of `sql/schema` (the old chain's way).
    var versioned: [Migration] { get throws { try MigrationSource.load(directory: Self.sqlDirectory) } }
    var schema: [SchemaFile] { get throws { try MigrationSource.loadSchema(directory: Self.sqlDirectory) } }

    /// (a) — the legacy chain and the legacy chain plus sql/schema dumped the same — proved the move
    /// (commit "Merge branch 'schema'", both dumps equal). It was retired when sql/schema first held
    /// definitions of its own (the e-mail's, migrations 400–401): what stays is (a'), that
    /// sql/schema holds everything of its kind, and (b), that an old database upgrades to the same.
    @Test("(a') the schema pass restores everything it holds (policies, triggers, grants, function bodies)")
    func theSchemaHoldsEverything() async throws {
        let schema = try self.schema
        let versioned = try self.versioned
        #expect(schema.count > 40)
        let new = try await build(versioned, schema: schema)
        let newDump = try await Self.dump(new.name)
        #expect(newDump.count > 100_000)

        // (a') strip the current-way database, then let the runner apply sql/schema again.
        let connection = try await connect(new.conninfo)
        defer { connection.close() }
        try await connection.execute(script: Self.strip)
        let stripped = try await Self.dump(new.name)
        #expect(stripped != newDump)
        _ = try await connection.query("delete from public.schema_repeatables")
        let report = try await MigrationRunner(logger: logger).migrate(versioned, schema: schema, on: connection)
        #expect(report.applied.isEmpty)
        #expect(report.schemaApplied == schema.map(\.path))
        Self.expectSame(newDump, try await Self.dump(new.name), "legacy chain + sql/schema", "stripped, then sql/schema")
    }

    @Test("(b) a legacy database with data upgrades: data kept, audit chain intact, same schema as a fresh one")
    func aLegacyDatabaseWithDataUpgrades() async throws {
        let legacyOnly = try MigrationSource.load(directory: Self.sqlDirectory + "/legacy")
        #expect(legacyOnly.count == 53 && legacyOnly.first?.version == 1 && legacyOnly.last?.version == 381)
        let versioned = try self.versioned
        let schema = try self.schema
        async let fresh = build(versioned, schema: schema)
        let old = try await build(legacyOnly, schema: [])
        let connection = try await connect(old.conninfo)
        defer { connection.close() }
        // The demo company and its data as `crm serve --demo` installs them (the legacy functions).
        try await connection.withTransaction { connection in
            _ = try await connection.query("select login, user_id from crm_private.install_demo_company()")
            _ = try await connection.query("select crm_private.install_demo_data()::text")
            _ = try await connection.query("select crm_private.install_demo_b2b_deals()")
            for preset in ["purchase", "b2b_sale", "typical_sale"] {
                _ = try await connection.query("select crm_private.install_preset(\(preset))")
            }
        }
        // And a few more deals of the director's.
        _ = try await connection.query(
            """
            insert into crm.deals (title, client_id, pipeline_id, stage_id, amount, owner_id, responsible_id)
            select 'upgrade ' || g, c.id, s.pipeline_id, s.id, 1000 * g, u.id, u.id
              from generate_series(1, 5) g,
                   (select id from crm.clients order by id limit 1) c,
                   (select pipeline_id, id from crm.stages order by pipeline_id, position limit 1) s,
                   (select id from crm.users where login = 'director') u
            """)
        _ = try await connection.query("select audit.seal()")
        let counts: PostgresQuery =
            "select (select count(*) from crm.deals)::text || '/' || (select count(*) from crm.clients) || '/' || (select count(*) from crm.invoices) || '/' || (select count(*) from audit.log)"
        let before = try await connection.query(counts)[0].decode(String.self, at: 0)

        let report = try await MigrationRunner(logger: logger).migrate(versioned, schema: schema, on: connection)
        #expect(report.applied == versioned.filter { $0.version > 381 }.map(\.fileName))
        #expect(report.alreadyApplied == legacyOnly.count)
        #expect(report.schemaApplied == schema.map(\.path))
        #expect(report.schemaVersion == versioned.last?.version)
        let after = try await connection.query(counts)[0].decode(String.self, at: 0)
        let deals = try await connection.query("select count(*) from crm.deals where title like 'upgrade %'")[0].decode(Int.self, at: 0)
        #expect(deals == 5)
        #expect(after.split(separator: "/").prefix(3) == before.split(separator: "/").prefix(3), "\(before) → \(after)")
        _ = try await connection.query("select audit.seal()")
        let verified = try await connection.query("select first_bad_id is null, coalesce(reason, '') from audit.verify()")[0]
            .decode((Bool, String).self)
        #expect(verified.0, "audit.verify() after the upgrade: \(verified.1)")
        let problems = try await connection.query("select problem from crm_api.security_self_check()").map {
            try $0.decode(String.self, at: 0)
        }
        #expect(problems.isEmpty, "\(problems)")
        // A second start applies nothing.
        let again = try await MigrationRunner(logger: logger).migrate(versioned, schema: schema, on: connection)
        #expect(again.applied.isEmpty && again.schemaApplied.isEmpty)

        let new = try await fresh
        Self.expectSame(try await Self.dump(new.name), try await Self.dump(old.name), "fresh database", "upgraded legacy database")
    }

    @Test("(c) a changed schema file re-applies the schema files; an unchanged one applies nothing")
    func aChangedSchemaFileIsReapplied() async throws {
        // A copy of sql/ whose last schema file can be edited.
        let copy = FileManager.default.temporaryDirectory.path + "/crm-sql-" + UUID().uuidString.prefix(8)
        try FileManager.default.copyItem(atPath: Self.sqlDirectory, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let migrations = try MigrationSource.load(directory: copy)
        let first = try MigrationSource.loadSchema(directory: copy)
        let database = try await build(migrations, schema: first)
        let connection = try await connect(database.conninfo)
        defer { connection.close() }
        let runner = MigrationRunner(logger: logger)
        let unchanged = try await runner.migrate(migrations, schema: first, on: connection)
        #expect(unchanged.applied.isEmpty && unchanged.schemaApplied.isEmpty)

        let edited = first[first.count - 1].path
        let probe = "\ncreate or replace function crm_private.repeatable_probe() returns int language sql as 'select 2';\n"
        try (first[first.count - 1].sql + probe).write(toFile: copy + "/schema/" + edited, atomically: true, encoding: .utf8)
        let second = try MigrationSource.loadSchema(directory: copy)
        let changed = try await runner.migrate(migrations, schema: second, on: connection)
        #expect(changed.applied.isEmpty)
        #expect(changed.schemaApplied == second.map(\.path))
        #expect(try await connection.query("select crm_private.repeatable_probe()")[0].decode(Int.self, at: 0) == 2)
        let recorded = try await connection.query("select count(*) from public.schema_repeatables")[0].decode(Int.self, at: 0)
        #expect(recorded == second.count)
        let third = try await runner.migrate(migrations, schema: second, on: connection)
        #expect(third.schemaApplied.isEmpty)

        // A failing schema file rolls the whole pass back and names the file.
        try (first[first.count - 1].sql + "\nselect no_such_function();\n").write(
            toFile: copy + "/schema/" + edited, atomically: true, encoding: .utf8)
        await #expect {
            _ = try await runner.migrate(migrations, schema: try MigrationSource.loadSchema(directory: copy), on: connection)
        } throws: { error in
            "\(error)".contains("schema file \(edited) failed") && "\(error)".contains("no_such_function")
        }
        #expect(try await connection.query("select crm_private.repeatable_probe()")[0].decode(Int.self, at: 0) == 2)
    }

    @Test func theOrderListMustMatchTheFiles() throws {
        let root = FileManager.default.temporaryDirectory.path + "/crm-order-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: root + "/schema/a", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "select 1;".write(toFile: root + "/schema/a/one.sql", atomically: true, encoding: .utf8)
        try "select 2;".write(toFile: root + "/schema/a/two.sql", atomically: true, encoding: .utf8)
        try "# comment\na/two.sql\na/one.sql\n".write(toFile: root + "/schema/ORDER", atomically: true, encoding: .utf8)
        #expect(try MigrationSource.loadSchema(directory: root).map(\.path) == ["a/two.sql", "a/one.sql"])
        try "a/one.sql\n".write(toFile: root + "/schema/ORDER", atomically: true, encoding: .utf8)
        #expect { try MigrationSource.loadSchema(directory: root) } throws: {
            "\($0)".contains("a/two.sql is in sql/schema but not listed")
        }
        try "a/one.sql\na/two.sql\na/three.sql\n".write(toFile: root + "/schema/ORDER", atomically: true, encoding: .utf8)
        #expect { try MigrationSource.loadSchema(directory: root) } throws: { "\($0)".contains("a/three.sql is listed but missing") }
        #expect(try MigrationSource.loadSchema(directory: root + "/schema/a").isEmpty)
    }

    // MARK: - helpers

    /// Removes what sql/schema must bring back: every policy, every trigger on the crm tables,
    /// the crm roles' grants, the plpgsql and plain-sql function bodies, SET clauses and
    /// SECURITY DEFINER flags.
    static let strip = """
        do $$
        declare r record;
        begin
          for r in select polname, polrelid::regclass as t from pg_policy loop
            execute format('drop policy %I on %s', r.polname, r.t);
          end loop;
          for r in select tgname, tgrelid::regclass as t from pg_trigger g join pg_class c on c.oid = g.tgrelid
                     join pg_namespace n on n.oid = c.relnamespace
                    where not tgisinternal and n.nspname in ('crm', 'crm_private', 'crm_api', 'audit', 'reports') loop
            execute format('drop trigger %I on %s', r.tgname, r.t);
          end loop;
          for r in select unnest(array['crm', 'crm_private', 'crm_api', 'audit', 'reports']) as s loop
            execute format('revoke all on all tables in schema %I from crm_user, crm_bi, crm_authenticator', r.s);
            execute format('revoke all on all functions in schema %I from crm_user, crm_bi, crm_authenticator', r.s);
            execute format('revoke all on all sequences in schema %I from crm_user, crm_bi, crm_authenticator', r.s);
            execute format('revoke all on schema %I from crm_user, crm_bi, crm_authenticator', r.s);
          end loop;
        end
        $$;
        update pg_proc p set prosrc = 'begin raise exception ''stripped''; end'
          from pg_namespace n, pg_language l
         where n.oid = p.pronamespace and l.oid = p.prolang and l.lanname = 'plpgsql'
           and n.nspname in ('crm', 'crm_private', 'crm_api', 'audit', 'reports');
        update pg_proc p set prosrc = 'select null::' || format_type(p.prorettype, null) || ' where false'
          from pg_namespace n, pg_language l
         where n.oid = p.pronamespace and l.oid = p.prolang and l.lanname = 'sql' and p.prosqlbody is null
           and not p.proretset and p.prorettype <> 'record'::regtype
           and n.nspname in ('crm', 'crm_private', 'crm_api', 'audit', 'reports');
        update pg_proc p set proconfig = null, prosecdef = false
          from pg_namespace n
         where n.oid = p.pronamespace and n.nspname in ('crm', 'crm_private', 'crm_api', 'audit', 'reports');
        """

    /// `pg_dump --schema-only` of `database` (as the cluster's superuser), without the runner's
    /// own tables and without pg_dump's per-run `\restrict` key.
    static func dump(_ database: String) async throws -> String {
        let cluster = try await TestPostgres.cluster()
        let output = FileManager.default.temporaryDirectory.path + "/crm-dump-\(database)-\(UUID().uuidString.prefix(6)).sql"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = try ChildProcess(
            [
                cluster.binDirectory + "/pg_dump", "--schema-only",
                "--exclude-table=public.schema_migrations", "--exclude-table=public.schema_repeatables",
                "-h", cluster.socketDirectory, "-p", "\(cluster.port)", "-U", cluster.superuser, "-d", database,
            ],
            outputPath: output)
        let status = try await TestPostgres.runBlocking { process.wait() }
        let text = process.output
        guard status == 0 else { throw DumpFailed(output: String(text.suffix(2000))) }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\\restrict ") && !$0.hasPrefix("\\unrestrict ") }
            .joined(separator: "\n")
    }

    struct DumpFailed: Error { let output: String }

    /// Expects two dumps to be equal; on failure prints a unified diff (diff -u) of them.
    static func expectSame(_ a: String, _ b: String, _ aName: String, _ bName: String, sourceLocation: SourceLocation = #_sourceLocation) {
        if a == b { return }
        let folder = FileManager.default.temporaryDirectory.path + "/crm-diff-" + UUID().uuidString.prefix(8)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try? a.write(toFile: folder + "/a.sql", atomically: true, encoding: .utf8)
        try? b.write(toFile: folder + "/b.sql", atomically: true, encoding: .utf8)
        var diff = "(diff unavailable)"
        if let process = try? ChildProcess(
            ["/usr/bin/diff", "-u", "--label", aName, "--label", bName, folder + "/a.sql", folder + "/b.sql"],
            outputPath: folder + "/diff.txt")
        {
            _ = process.wait()
            diff = process.output
        }
        Issue.record("pg_dump --schema-only differs (\(aName) vs \(bName)):\n\(diff.prefix(20_000))", sourceLocation: sourceLocation)
    }
}

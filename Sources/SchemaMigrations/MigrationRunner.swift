import Logging
import PostgresClient

/// Applies migrations in order, each in its own transaction, recording a checksum of each file;
/// then the repeatable schema files (`sql/schema/`), all of them in their declared order in one
/// transaction, when any of them changed (added, removed, edited or moved in `ORDER`) since the
/// last schema pass recorded in `public.schema_repeatables`, or when this run applied a migration.
///
/// The whole run holds a session advisory lock, so two servers starting at once apply each
/// file once: the second waits, then finds everything applied.
public struct MigrationRunner: Sendable {
    /// What a run did.
    public struct Report: Sendable, Equatable {
        /// Files applied by this run, in order.
        public var applied: [String]
        /// How many files were applied before.
        public var alreadyApplied: Int
        /// The highest applied version afterwards.
        public var schemaVersion: Int?
        /// The schema files applied by this run (all of them, in order), or empty when none changed.
        public var schemaApplied: [String] = []
    }

    /// The bookkeeping table, created by the runner itself.
    public static let table = "public.schema_migrations"
    /// The schema files of the last schema pass, with their checksums (created by the runner).
    public static let repeatablesTable = "public.schema_repeatables"
    static let lockKey: Int64 = 0x63_72_6d_5f_6d_69_67  // "crm_mig"

    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Applies what is missing on `connection` (a dedicated connection: the lock is per session).
    public func migrate(_ migrations: [Migration], schema: [SchemaFile] = [], on connection: PostgresConnection) async throws -> Report {
        _ = try await connection.query("select pg_advisory_lock(\(Self.lockKey))")
        do {
            var report = try await migrateLocked(migrations, on: connection)
            report.schemaApplied = try await applySchemaLocked(schema, force: !report.applied.isEmpty, on: connection)
            _ = try await connection.query("select pg_advisory_unlock(\(Self.lockKey))")
            return report
        } catch {
            _ = try? await connection.query("select pg_advisory_unlock(\(Self.lockKey))")
            throw error
        }
    }

    /// The highest applied version, or `nil` when none is (or the table does not exist yet).
    public static func schemaVersion(on connection: PostgresConnection) async throws -> Int? {
        let rows = try await connection.query(
            "select case when to_regclass('public.schema_migrations') is null then null else (select max(version) from public.schema_migrations) end"
        )
        return try rows.first?.decode(Int?.self, at: 0) ?? nil
    }

    private func migrateLocked(_ migrations: [Migration], on connection: PostgresConnection) async throws -> Report {
        try await connection.execute(
            script: """
                create table if not exists public.schema_migrations (
                    version integer primary key,
                    name text not null,
                    checksum text not null,
                    applied_at timestamptz not null default now(),
                    duration_ms integer not null
                )
                """)
        var recorded: [Int: (name: String, checksum: String)] = [:]
        for row in try await connection.query("select version, name, checksum from public.schema_migrations") {
            let (version, name, checksum) = try row.decode((Int, String, String).self)
            recorded[version] = (name, checksum)
        }
        let known = Set(migrations.map(\.version))
        if let (version, entry) = recorded.filter({ !known.contains($0.key) }).min(by: { $0.key < $1.key }) {
            throw MigrationError.unknownApplied(version: version, name: entry.name)
        }
        var applied: [String] = []
        for migration in migrations {
            let checksum = try await Self.checksum(of: migration.sql, on: connection)
            if let entry = recorded[migration.version] {
                guard entry.checksum == checksum else {
                    throw MigrationError.changedAfterApply(file: migration.fileName, recorded: entry.checksum, current: checksum)
                }
                continue
            }
            try await apply(migration, checksum: checksum, on: connection)
            applied.append(migration.fileName)
        }
        let version = try await Self.schemaVersion(on: connection)
        return Report(applied: applied, alreadyApplied: recorded.count, schemaVersion: version)
    }

    private func apply(_ migration: Migration, checksum: String, on connection: PostgresConnection) async throws {
        let start = ContinuousClock.now
        do {
            try await connection.withTransaction { connection in
                try await connection.execute(script: migration.sql)
                let elapsed = ContinuousClock.now - start
                let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
                _ = try await connection.query(
                    """
                    insert into public.schema_migrations (version, name, checksum, duration_ms)
                    values (\(migration.version), \(migration.name), \(checksum), \(milliseconds))
                    """)
            }
        } catch let error as PostgresError {
            throw MigrationError.failed(file: migration.fileName, message: error.message)
        }
        logger.info("migration applied", metadata: ["file": "\(migration.fileName)"])
    }

    /// Re-applies every schema file, in order, in one transaction, when the recorded pass differs
    /// from `files` (or `force`); records the pass. Returns the paths applied.
    private func applySchemaLocked(_ files: [SchemaFile], force: Bool, on connection: PostgresConnection) async throws -> [String] {
        if files.isEmpty { return [] }
        try await connection.execute(
            script: """
                create table if not exists public.schema_repeatables (
                    position integer primary key,
                    path text not null unique,
                    checksum text not null,
                    applied_at timestamptz not null default now()
                )
                """)
        var current: [(path: String, checksum: String)] = []
        for file in files {
            current.append((file.path, try await Self.checksum(of: file.sql, on: connection)))
        }
        let recorded = try await connection.query("select path, checksum from public.schema_repeatables order by position")
            .map { try $0.decode((String, String).self) }
        if !force && recorded.map({ $0.0 }) == current.map({ $0.path }) && recorded.map({ $0.1 }) == current.map({ $0.checksum }) {
            return []
        }
        let start = ContinuousClock.now
        try await connection.withTransaction { connection in
            for file in files {
                do {
                    try await connection.execute(script: file.sql)
                } catch let error as PostgresError {
                    throw MigrationError.schemaFailed(file: file.path, message: error.message)
                }
            }
            _ = try await connection.query("delete from public.schema_repeatables")
            for (position, entry) in current.enumerated() {
                _ = try await connection.query(
                    "insert into public.schema_repeatables (position, path, checksum) values (\(position + 1), \(entry.path), \(entry.checksum))"
                )
            }
        }
        logger.info("schema files applied", metadata: ["files": "\(files.count)", "elapsed": "\(ContinuousClock.now - start)"])
        return files.map(\.path)
    }

    /// SHA-256 of the file's UTF-8 text, hex, computed by PostgreSQL.
    static func checksum(of sql: String, on connection: PostgresConnection) async throws -> String {
        let rows = try await connection.query("select encode(sha256(convert_to(\(sql), 'UTF8')), 'hex')")
        return try rows[0].decode(String.self, at: 0)
    }
}

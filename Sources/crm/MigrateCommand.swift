import ArgumentParser

/// `crm migrate`: applies the pending SQL migrations and reports what it did.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending SQL migrations (sql/legacy, sql/migrations) and changed schema files (sql/schema) to the database.")

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let report = try await DatabaseSession.run(options) { session in
            try await session.bootstrap.migrate(conninfo: session.conninfo, threadPool: session.threads)
        }
        for file in report.applied { print("applied \(file)") }
        print(
            "schema version \(report.schemaVersion.map(String.init) ?? "none"): \(report.applied.count) applied, \(report.alreadyApplied) already applied"
        )
    }
}

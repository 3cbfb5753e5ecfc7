import ArgumentParser
import CRMServer
import NIOPosix

/// `crm migrate`: applies the pending SQL migrations and reports what it did.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending SQL migrations (sql/NNN_name.sql) to the database.")

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let configuration: ServerConfiguration
        do {
            configuration = try options.load()
        } catch {
            throw Failure.exit("\(error)")
        }
        let logger = LogSetup.bootstrap(level: configuration.logLevel)
        let bootstrap = DatabaseBootstrap(configuration: configuration, logger: logger)
        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        var started: DatabaseBootstrap.Prepared?
        do {
            let prepared = try await bootstrap.prepare()
            started = prepared
            let report = try await bootstrap.migrate(conninfo: prepared.conninfo, threadPool: threads)
            for file in report.applied { print("applied \(file)") }
            print("schema version \(report.schemaVersion.map(String.init) ?? "none"): \(report.applied.count) applied, \(report.alreadyApplied) already applied")
            await DatabaseBootstrap.stop(prepared.startedCluster, logger: logger)
            try? await threads.shutdownGracefully()
        } catch {
            await DatabaseBootstrap.stop(started?.startedCluster, logger: logger)
            try? await threads.shutdownGracefully()
            throw Failure.exit("\(error)")
        }
    }
}

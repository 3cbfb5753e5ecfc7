import ArgumentParser
import CRMServer
import NIOPosix
import PostgresClient

/// `crm audit verify`: checks the audit log's hash chain and the heads recorded outside it.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Audit log tools.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the audit chain: exit 0 when intact, 2 naming the first bad entry when not.")

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
            var prepared: DatabaseBootstrap.Prepared?
            let verdict: AuditChain.Verdict
            do {
                prepared = try await bootstrap.prepare()
                let connection = try await PostgresConnection.connect(prepared!.conninfo, threadPool: threads, logger: logger)
                defer { connection.close() }
                let heads = AuditHeadFile(path: configuration.dataDirectory + "/audit-head.log").read()
                verdict = try await AuditChain.verify(on: connection, recordedHeads: heads)
            } catch {
                await DatabaseBootstrap.stop(prepared?.startedCluster, logger: logger)
                try? await threads.shutdownGracefully()
                throw Failure.exit("\(error)")
            }
            await DatabaseBootstrap.stop(prepared?.startedCluster, logger: logger)
            try? await threads.shutdownGracefully()
            switch verdict {
            case .intact(let entries):
                print("audit chain intact: \(entries) entries")
            case .tampered(let id, let seq, let reason):
                print("audit chain TAMPERED: first bad entry id \(id.map(String.init) ?? "?") (position \(seq.map(String.init) ?? "?")): \(reason)")
                throw ExitCode(2)
            }
        }
    }
}

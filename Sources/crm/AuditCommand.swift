import ArgumentParser
import CRMServer
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
            let verdict = try await DatabaseSession.run(options) { session in
                let connection = try await PostgresConnection.connect(session.conninfo, threadPool: session.threads, logger: session.logger)
                let heads = AuditHeadFile(path: session.configuration.dataDirectory + "/audit-head.log").read()
                do {
                    let verdict = try await AuditChain.verify(on: connection, recordedHeads: heads)
                    await connection.close()
                    return verdict
                } catch {
                    await connection.close()
                    throw error
                }
            }
            switch verdict {
            case .intact(let entries):
                print("audit chain intact: \(entries) entries")
            case .tampered(let id, let seq, let reason):
                print(
                    "audit chain TAMPERED: first bad entry id \(id.map(String.init) ?? "?") (position \(seq.map(String.init) ?? "?")): \(reason)"
                )
                throw ExitCode(2)
            }
        }
    }
}

import ArgumentParser
import CRMServer
import PostgresClient

/// `crm preset install NAME`: gives the database one of the shipped processes (purchase,
/// b2b_sale, typical_sale) — its pipeline, stages, task templates, exit conditions and approval
/// chain. Installing twice changes nothing.
struct PresetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preset", abstract: "Shipped processes (pipelines with their rules).", subcommands: [Install.self, List.self])

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Install a preset: purchase, b2b_sale or typical_sale.")

        @Argument(help: "purchase, b2b_sale or typical_sale")
        var name: String

        @OptionGroup var options: ConfigurationOptions

        func validate() throws {
            guard Presets.names.contains(name) else {
                throw ValidationError("unknown preset '\(name)'; presets: \(Presets.names.joined(separator: ", "))")
            }
        }

        func run() async throws {
            let pipeline = try await DatabaseSession.run(options) { session in
                try await Presets.install(name, conninfo: session.conninfo, threadPool: session.threads, logger: session.logger)
            }
            print("preset \(name) installed: pipeline \(pipeline)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the presets.")

        func run() {
            for name in Presets.names { print(name) }
        }
    }
}

import ArgumentParser
import CRMServer
import EmbeddedPostgres

/// `crm db start|stop|status`: the private PostgreSQL cluster under the data folder.
struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the private PostgreSQL cluster under --data-dir.",
        subcommands: [Start.self, Stop.self, Status.self])

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (once) and start the cluster; it keeps running.")
        @OptionGroup var options: ConfigurationOptions

        func run() throws {
            let cluster = try DBCommand.cluster(options)
            do {
                let started = try cluster.start()
                print(started ? "started" : "already running", "(socket \(cluster.socketDirectory), database \(cluster.databaseName))")
            } catch {
                throw Failure.exit("\(error)")
            }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the cluster.")
        @OptionGroup var options: ConfigurationOptions

        func run() throws {
            let cluster = try DBCommand.cluster(options)
            do {
                try cluster.stop()
                print("stopped")
            } catch {
                throw Failure.exit("\(error)")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tell whether the cluster exists and runs (exit 0 running, 3 stopped, 4 absent).")
        @OptionGroup var options: ConfigurationOptions

        func run() throws {
            let cluster = try DBCommand.cluster(options)
            switch try cluster.status() {
            case .running(let pid):
                print("running (pid \(pid), data \(cluster.dataDirectory), socket \(cluster.socketDirectory))")
            case .stopped:
                print("stopped (data \(cluster.dataDirectory))")
                throw ExitCode(3)
            case .notInitialized:
                print("not created yet (data folder \(cluster.baseDirectory))")
                throw ExitCode(4)
            }
        }
    }

    static func cluster(_ options: ConfigurationOptions) throws -> ManagedCluster {
        let configuration = try options.loadOrExit()
        do {
            let logger = LogSetup.bootstrap(level: configuration.logLevel)
            return try DatabaseBootstrap(configuration: configuration, logger: logger).makeCluster()
        } catch {
            throw Failure.exit("\(error)")
        }
    }
}

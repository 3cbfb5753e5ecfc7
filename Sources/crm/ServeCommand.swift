import ArgumentParser
import CRMServer
import Credentials
import Foundation
import Logging

/// `crm serve`: HTTP and the admin console in one process, on the configured database or on
/// the private cluster (created, started and, at shutdown, stopped by this process).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server (HTTP API and admin console); applies migrations first.")

    @OptionGroup var options: ConfigurationOptions

    @Flag(help: "Install the demo company (departments, territories, roles, ten users, clients, deals) if absent.")
    var demo = false

    @Option(help: "With --demo: give every demo user this password (else one-time passwords are printed once).")
    var demoPassword: String?

    func run() async throws {
        let configuration = try options.loadOrExit()
        let logger = LogSetup.bootstrap(level: configuration.logLevel)
        let bootstrap = DatabaseBootstrap(configuration: configuration, logger: logger)
        let prepared: DatabaseBootstrap.Prepared
        do {
            prepared = try await bootstrap.prepare()
        } catch {
            throw Failure.exit("\(error)")
        }
        let application = ServerApplication(configuration: configuration, conninfo: prepared.conninfo, logger: logger)
        do {
            _ = try await bootstrap.migrate(conninfo: prepared.conninfo, threadPool: application.pool.threadPool)
            try await bootstrap.checkSecurity(conninfo: prepared.conninfo, threadPool: application.pool.threadPool)
            if !(demo || demoPassword != nil),
                let password = try await FirstAdministrator(
                    hasher: PasswordHasher(iterations: configuration.passwordIterations), logger: logger
                )
                .ensure(ownerConninfo: prepared.conninfo, threadPool: application.pool.threadPool)
            {
                print(
                    "The database had no users: created '\(FirstAdministrator.login)' (role \(FirstAdministrator.role)) with the one-time password \(password)"
                )
                print(
                    "Sign in to the admin console with: AUTH \(FirstAdministrator.login) \(password)   (shown once; reset with 'crm admin password LOGIN')"
                )
                fflush(nil)  // all streams: stdout is block-buffered when it is not a terminal
            }
            if demo || demoPassword != nil {
                let credentials = try await DemoCompany(authenticator: application.authenticator, logger: logger)
                    .install(ownerConninfo: prepared.conninfo, password: demoPassword, threadPool: application.pool.threadPool)
                if demoPassword == nil && !credentials.isEmpty {
                    print("Demo users and their one-time passwords (shown once):")
                    for credential in credentials { print("  \(credential.login)\t\(credential.password)") }
                    fflush(nil)  // all streams: stdout is block-buffered when it is not a terminal
                }
            }
            try await application.run()
        } catch {
            await application.close()
            await DatabaseBootstrap.stop(prepared.startedCluster, logger: logger)
            throw Failure.exit(StartupError.describe(error, configuration: configuration))
        }
        await application.close()
        await DatabaseBootstrap.stop(prepared.startedCluster, logger: logger)
        logger.info("server stopped")
    }
}

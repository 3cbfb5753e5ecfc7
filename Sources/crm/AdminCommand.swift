import ArgumentParser
import CRMServer
import Credentials

/// `crm admin password LOGIN`: sets a user's password from the server's machine (recovery when
/// no administrator can sign in). Runs as the database owner; prints the new password once.
struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Recovery tools run on the server's machine.", subcommands: [Password.self])

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a user a new one-time password and print it.")

        @OptionGroup var options: ConfigurationOptions

        @Argument(help: "The user's login.")
        var login: String

        func run() async throws {
            let login = self.login
            let password = try await DatabaseSession.run(options) { session -> String? in
                let password = try OneTimePassword.generate()
                let changed = try await FirstAdministrator(
                    hasher: PasswordHasher(iterations: session.configuration.passwordIterations), logger: session.logger
                ).resetPassword(login: login, password: password, ownerConninfo: session.conninfo, threadPool: session.threads)
                return changed ? password : nil
            }
            guard let password else { throw Failure.exit("no user with login '\(login)'") }
            print("new one-time password for \(login): \(password)")
        }
    }
}

import ArgumentParser
import CRMServer

/// `crm version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the server version.")

    func run() {
        print("crm \(BuildInfo.version)")
    }
}

import ArgumentParser

/// `crm`: the CRM server and its tools.
@main
struct CRMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm",
        abstract: "A CRM server for B2B companies, on PostgreSQL.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, DBCommand.self, AuditCommand.self, AdminCommand.self, PresetCommand.self,
            VersionCommand.self,
        ],
        defaultSubcommand: nil)
}

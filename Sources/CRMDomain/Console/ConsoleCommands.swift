import AccessControl
import AdminConsole
import Logging

/// The admin console's commands. Built-ins (PING, HELP, QUIT) come with the set; AUTH and the
/// administration commands (one file per family in `Console/`) are added here.
public enum ConsoleCommands {
    public static func make(
        authenticator: Authenticator, database: UserDatabase, installDemo: @escaping DemoCommands.Installer, logger: Logger
    ) -> ConsoleCommandSet {
        let context = AdminContext(authenticator: authenticator, database: database, logger: logger)
        var set = ConsoleCommandSet()
        let families: [[ConsoleCommand]] = [
            AuthCommands.make(context),
            UserCommands.make(context),
            RoleCommands.make(context),
            OrgCommands.make(context),
            NetworkCommands.make(context),
            SessionCommands.make(context),
            ShareCommands.make(context),
            BICommands.make(context),
            AuditCommands.make(context),
            SecurityCommands.make(context),
            DemoCommands.make(context, installer: installDemo),
        ]
        for command in families.joined() { set.register(command) }
        return set
    }
}

import AdminConsole

/// The admin console's commands. Built-ins (PING, HELP, QUIT) come with the set; the security
/// core adds AUTH and the administration commands here.
enum ConsoleCommands {
    static func make() -> ConsoleCommandSet {
        ConsoleCommandSet()
    }
}

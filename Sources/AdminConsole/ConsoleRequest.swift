/// One command line as a handler sees it.
public struct ConsoleRequest: Sendable {
    /// The line exactly as received (without its line terminator).
    public let line: String
    /// The canonical (upper-case) name of the matched command, e.g. `PING` or `USER ADD`.
    public let command: String
    /// The words after the command name; quotes are removed and escapes resolved.
    public let arguments: [String]
    /// The command set the request was dispatched from (used by `HELP`).
    public let commandSet: ConsoleCommandSet

    /// Creates a request.
    public init(line: String, command: String, arguments: [String], commandSet: ConsoleCommandSet) {
        self.line = line
        self.command = command
        self.arguments = arguments
        self.commandSet = commandSet
    }
}

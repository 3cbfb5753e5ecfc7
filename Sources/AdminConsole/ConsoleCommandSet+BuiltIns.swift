extension ConsoleCommandSet {
    /// `PING`, `HELP` and `QUIT`.
    static var builtIns: [ConsoleCommand] {
        [
            ConsoleCommand("PING", summary: "Check that the console answers (replies +PONG)") { _, _ in
                .simple("PONG")
            },
            ConsoleCommand(
                "HELP",
                summary: "List the commands, or show how to use one",
                usage: "HELP [command]"
            ) { request, _ in
                request.commandSet.help(topic: request.arguments)
            },
            ConsoleCommand("QUIT", summary: "Close the connection") { _, _ in
                .closing(.ok("bye"))
            },
        ]
    }

    /// The `HELP` reply: every command with its summary, or the usage of the command named by `topic`.
    public func help(topic: [String]) -> ConsoleReply {
        guard !topic.isEmpty else {
            return .text(Self.listing(commands) + ["Type HELP <command> for its usage."])
        }
        switch resolve(topic) {
        case .command(let command, _):
            var lines = ["\(command.name) - \(command.summary)", "Usage: \(command.usage)"]
            let subcommands = subcommands(of: command.name)
            if !subcommands.isEmpty { lines += ["Subcommands:"] + Self.listing(subcommands) }
            return .text(lines)
        case .group(let group):
            return .text(["\(group) subcommands:"] + Self.listing(subcommands(of: group)))
        case .unknown(let typed):
            return .unknownCommand(typed)
        }
    }

    /// One line per command: the name padded to a common width, then the summary.
    private static func listing(_ commands: [ConsoleCommand]) -> [String] {
        let width = commands.map(\.name.count).max() ?? 0
        return commands.map { command in
            let padding = String(repeating: " ", count: width - command.name.count + 2)
            return "  " + command.name + padding + command.summary
        }
    }
}

/// The commands a console serves, looked up by name (case-insensitive, longest match first).
///
/// A fresh set holds the built-ins `PING`, `HELP` and `QUIT`. Multi-word names form groups:
/// registering `USER ADD` and `USER DEL` makes `USER` a group whose subcommands `HELP USER` lists.
public struct ConsoleCommandSet: Sendable {
    private var commandsByName: [String: ConsoleCommand] = [:]
    private var groups: Set<String> = []
    private var longestNameWords = 1

    /// Creates a set holding the built-in commands.
    public init() {
        for command in ConsoleCommandSet.builtIns { register(command) }
    }

    /// Adds `command`, replacing any command of the same name.
    public mutating func register(_ command: ConsoleCommand) {
        let words = command.words
        commandsByName[command.name] = command
        longestNameWords = max(longestNameWords, words.count)
        for count in stride(from: 1, to: words.count, by: 1) {
            groups.insert(words.prefix(count).joined(separator: " "))
        }
    }

    /// The command with this name (any case, words separated by whitespace), if registered.
    public func command(named name: String) -> ConsoleCommand? {
        commandsByName[ConsoleCommand.normalizedWords(name).joined(separator: " ")]
    }

    /// Every registered command, sorted by name.
    public var commands: [ConsoleCommand] {
        commandsByName.values.sorted { $0.name < $1.name }
    }

    /// What the leading words of a line name.
    enum Resolution {
        /// A command; its arguments start at `argumentIndex`.
        case command(ConsoleCommand, argumentIndex: Int)
        /// A group named without a subcommand (canonical group name).
        case group(String)
        /// Nothing registered; `typed` is the unknown word(s) as typed.
        case unknown(typed: String)
    }

    /// Resolves the leading words of `words` to a command, a bare group, or nothing.
    func resolve(_ words: [String]) -> Resolution {
        guard !words.isEmpty else { return .unknown(typed: "") }
        let upper = words.prefix(longestNameWords).map { $0.uppercased() }
        for count in stride(from: upper.count, through: 1, by: -1) {
            if let command = commandsByName[upper.prefix(count).joined(separator: " ")] {
                return .command(command, argumentIndex: count)
            }
        }
        for count in stride(from: upper.count, through: 1, by: -1) {
            let prefix = upper.prefix(count).joined(separator: " ")
            guard groups.contains(prefix) else { continue }
            if count == words.count { return .group(prefix) }
            return .unknown(typed: words.prefix(count + 1).joined(separator: " "))
        }
        return .unknown(typed: words[0])
    }

    /// The commands directly or indirectly under a group, sorted by name.
    func subcommands(of group: String) -> [ConsoleCommand] {
        commands.filter { $0.name.hasPrefix(group + " ") }
    }
}

extension ConsoleCommandSet {
    /// The outcome of one command line.
    struct Dispatch: Sendable {
        /// The reply to send.
        var reply: ConsoleReply
        /// What to log as the command: its canonical name, or the unknown word (never arguments).
        var loggedName: String
        /// Whether the line was garbage (unknown command or malformed), which counts toward closing the client.
        var isInvalid: Bool
    }

    /// Parses `line`, runs the matching command and returns its reply; `nil` for a blank line.
    func dispatch(_ line: String, session: ConsoleSession) async -> Dispatch? {
        let words: [String]
        do {
            words = try ConsoleLineTokenizer.tokenize(line)
        } catch {
            return Dispatch(
                reply: .error(code: "SYNTAX", message: error.message),
                loggedName: "(syntax error)",
                isInvalid: true
            )
        }
        guard !words.isEmpty else { return nil }

        switch resolve(words) {
        case .command(let command, let argumentIndex):
            let request = ConsoleRequest(
                line: line,
                command: command.name,
                arguments: Array(words[argumentIndex...]),
                commandSet: self
            )
            let reply = await command.handler(request, session)
            return Dispatch(reply: reply, loggedName: command.name, isInvalid: false)
        case .group(let group):
            return Dispatch(
                reply: .error(code: "SYNTAX", message: "\(group) needs a subcommand; see HELP \(group)"),
                loggedName: group,
                isInvalid: true
            )
        case .unknown(let typed):
            return Dispatch(
                reply: .unknownCommand(typed),
                loggedName: ConsoleText.displayWord(typed),
                isInvalid: true
            )
        }
    }
}

/// A named console command and the handler that answers it.
public struct ConsoleCommand: Sendable {
    /// Answers one request on one connection.
    public typealias Handler = @Sendable (ConsoleRequest, ConsoleSession) async -> ConsoleReply

    /// The canonical name: upper-case words separated by one space, e.g. `PING` or `USER ADD`.
    public let name: String
    /// A one-line description shown by `HELP`.
    public let summary: String
    /// The syntax shown by `HELP <command>`, e.g. `USER ADD <login> "<full name>"`.
    public let usage: String
    /// The code that answers the command.
    public let handler: Handler

    /// Creates a command; `name` is matched case-insensitively and may hold several words
    /// (a command `USER ADD` makes `USER` a group with subcommand `ADD`).
    public init(_ name: String, summary: String = "", usage: String? = nil, handler: @escaping Handler) {
        let words = ConsoleCommand.normalizedWords(name)
        precondition(!words.isEmpty, "a console command needs a name")
        self.name = words.joined(separator: " ")
        self.summary = summary
        self.usage = usage ?? self.name
        self.handler = handler
    }

    /// The name's words.
    var words: [String] { name.split(separator: " ").map(String.init) }

    /// Words split on whitespace and upper-cased, as command names are matched.
    static func normalizedWords(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.uppercased() }
    }
}

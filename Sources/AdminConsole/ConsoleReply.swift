/// A reply to one console command.
///
/// Single-line replies render as one line; `table` and `text` render several lines ended by a line
/// holding a single `.`. Every line ends with `\r\n`.
public enum ConsoleReply: Sendable, Equatable {
    /// `+OK message` (just `+OK` when the message is empty).
    case ok(String)
    /// `+` followed by the text, e.g. `+PONG`.
    case simple(String)
    /// `-ERR CODE message`; an empty code renders `-ERR message`.
    case error(code: String, message: String)
    /// Tab-separated lines, header first, then `.`; tabs, newlines and backslashes in cells are escaped.
    case table(header: [String], rows: [[String]])
    /// Free text lines (embedded newlines start new lines), then `.`.
    case text([String])
    /// Sends the wrapped reply, then closes the connection.
    indirect case closing(ConsoleReply)

    /// The reply to a command word nobody registered: `-ERR unknown command 'WORD'`.
    public static func unknownCommand(_ word: String) -> ConsoleReply {
        .error(code: "", message: "unknown command '\(ConsoleText.displayWord(word))'")
    }

    /// Whether the connection is closed after this reply is sent.
    public var closesConnection: Bool {
        if case .closing = self { return true }
        return false
    }

    /// The reply as sent on the wire, each line ended by `\r\n`.
    public var rendered: String {
        renderedLines.map { $0 + "\r\n" }.joined()
    }

    /// The reply's lines, without line terminators.
    public var renderedLines: [String] {
        switch self {
        case .ok(let message):
            let message = ConsoleText.singleLine(message)
            return [message.isEmpty ? "+OK" : "+OK \(message)"]
        case .simple(let text):
            return ["+" + ConsoleText.singleLine(text)]
        case .error(let code, let message):
            let parts = [ConsoleText.singleLine(code), ConsoleText.singleLine(message)].filter { !$0.isEmpty }
            return [(["-ERR"] + parts).joined(separator: " ")]
        case .table(let header, let rows):
            let lines = ([header] + rows).map { $0.map(ConsoleText.escapeCell).joined(separator: "\t") }
            return lines.map(ConsoleText.dotStuffed) + ["."]
        case .text(let lines):
            return lines.flatMap(ConsoleText.splitLines).map(ConsoleText.dotStuffed) + ["."]
        case .closing(let reply):
            return reply.renderedLines
        }
    }
}

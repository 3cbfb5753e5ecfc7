import NIOCore
import Testing

@testable import AdminConsole

@Suite("Reply rendering and line parsing")
struct ReplyRenderingTests {
    @Test func singleLineReplies() {
        #expect(ConsoleReply.ok("bye").rendered == "+OK bye\r\n")
        #expect(ConsoleReply.ok("").rendered == "+OK\r\n")
        #expect(ConsoleReply.simple("PONG").rendered == "+PONG\r\n")
        #expect(ConsoleReply.error(code: "NOTFOUND", message: "no user\r\nx").rendered == "-ERR NOTFOUND no user  x\r\n")
        #expect(ConsoleReply.unknownCommand("FOO").rendered == "-ERR unknown command 'FOO'\r\n")
        #expect(ConsoleReply.closing(.ok("bye")).rendered == "+OK bye\r\n")
        #expect(ConsoleReply.closing(.ok("bye")).closesConnection)
        #expect(!ConsoleReply.ok("bye").closesConnection)
    }

    @Test func tablesEscapeCellsAndEndWithADot() {
        let reply = ConsoleReply.table(header: ["a", "b"], rows: [["x\ty", "back\\slash"], [".hidden", "2\r\n"]])
        #expect(reply.rendered == "a\tb\r\nx\\ty\tback\\\\slash\r\n..hidden\t2\\r\\n\r\n.\r\n")
    }

    @Test func textSplitsLinesAndStuffsDots() {
        let reply = ConsoleReply.text(["one\ntwo", ".", ""])
        #expect(reply.renderedLines == ["one", "two", "..", "", "."])
    }

    @Test func tokenizerSplitsAndUnquotes() throws {
        #expect(try ConsoleLineTokenizer.tokenize("  a  b\tc ") == ["a", "b", "c"])
        #expect(try ConsoleLineTokenizer.tokenize(#"add "Иван Петров" x"#) == ["add", "Иван Петров", "x"])
        #expect(try ConsoleLineTokenizer.tokenize(#""say \"hi\"" "a\\b" "c\d""#) == [#"say "hi""#, #"a\b"#, #"c\d"#])
        #expect(try ConsoleLineTokenizer.tokenize(#"a"b c"d """#) == ["ab cd", ""])
        #expect(throws: ConsoleLineTokenizer.SyntaxError.unterminatedQuote) {
            try ConsoleLineTokenizer.tokenize(#"add "Иван"#)
        }
    }

    @Test func utf8Validation() {
        #expect(ConsoleInboundHandler.isValidUTF8(ByteBuffer(string: "Иван").readableBytesView))
        #expect(!ConsoleInboundHandler.isValidUTF8(ByteBuffer(bytes: [0xC3, 0x28]).readableBytesView))
        #expect(!ConsoleInboundHandler.isValidUTF8(ByteBuffer(bytes: [0xC0, 0xAF]).readableBytesView), "overlong")
        #expect(!ConsoleInboundHandler.isValidUTF8(ByteBuffer(bytes: [0xED, 0xA0, 0x80]).readableBytesView), "surrogate")
        #expect(!ConsoleInboundHandler.isValidUTF8(ByteBuffer(bytes: [0xE2, 0x82]).readableBytesView), "truncated")
    }

    @Test func commandLookupIsCaseInsensitiveAndLongestFirst() {
        var commands = ConsoleCommandSet()
        commands.register(ConsoleCommand("user", summary: "User info") { _, _ in .ok("") })
        commands.register(ConsoleCommand("User  Add", summary: "Add") { _, _ in .ok("") })
        #expect(commands.command(named: "user add")?.name == "USER ADD")
        #expect(commands.commands.map(\.name) == ["HELP", "PING", "QUIT", "USER", "USER ADD"])
        guard case .command(let command, let index) = commands.resolve(["user", "ADD", "x"]) else {
            Issue.record("USER ADD not resolved")
            return
        }
        #expect(command.name == "USER ADD")
        #expect(index == 2)
        guard case .command(let user, 1) = commands.resolve(["user", "list"]) else {
            Issue.record("USER not resolved")
            return
        }
        #expect(user.name == "USER")
    }
}

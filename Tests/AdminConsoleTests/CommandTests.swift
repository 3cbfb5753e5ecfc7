import AdminConsole
import Testing

@Suite("Console commands over TCP")
struct CommandTests {
    @Test func pingAnswersPong() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request("PING") == "+PONG")
                #expect(try await client.request("ping") == "+PONG")
                #expect(client.bareLineFeeds == 0)
            }
        }
    }

    @Test func acceptsLineFeedOnlyAndIgnoresEmptyLines() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                try await client.send("\r\n\n   \r\n\t\nPING\n")
                #expect(try await client.readLine() == "+PONG")
                try await client.send("PING\r\nPING\n")
                #expect(try await client.readLine() == "+PONG")
                #expect(try await client.readLine() == "+PONG")
            }
        }
    }

    @Test func answersEverythingBeforeTheClientsEndOfInput() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                try await client.send("PING\r\nFOO\r\nPING")
                client.finishSending()
                #expect(try await client.readUntilClosed() == ["+PONG", "-ERR unknown command 'FOO'", "+PONG"])
            }
        }
    }

    @Test func helpListsTheBuiltIns() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                try await client.sendLine("HELP")
                let lines = try await client.readBlock()
                let names = lines.compactMap { $0.split(separator: " ").first.map(String.init) }
                #expect(names.contains("PING"))
                #expect(names.contains("HELP"))
                #expect(names.contains("QUIT"))
                #expect(lines.contains { $0.contains("PING") && $0.contains("Check that the console answers") })
            }
        }
    }

    @Test func helpShowsUsageOfOneCommand() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                try await client.sendLine("HELP ping")
                let lines = try await client.readBlock()
                #expect(lines.first?.hasPrefix("PING - ") == true)
                #expect(lines.contains("Usage: PING"))

                try await client.sendLine("HELP HELP")
                #expect(try await client.readBlock().contains("Usage: HELP [command]"))

                #expect(try await client.request("HELP NOPE") == "-ERR unknown command 'NOPE'")
            }
        }
    }

    @Test func quitRepliesThenCloses() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request("QUIT") == "+OK bye")
                #expect(try await client.readLine() == nil)
            }
        }
    }

    @Test func unknownCommandIsReportedExactly() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request("FOO") == "-ERR unknown command 'FOO'")
                #expect(try await client.request("foo bar baz") == "-ERR unknown command 'foo'")
                let long = "FOO\u{01}\u{7F}BAR" + String(repeating: "X", count: 100)
                let expected = "-ERR unknown command 'FOOBAR" + String(repeating: "X", count: 58) + "'"
                #expect(try await client.request(long) == expected)
                #expect(try await client.request("PING") == "+PONG")
            }
        }
    }

    @Test func customCommandReceivesQuotedCyrillicArguments() async throws {
        let recorder = Recorder()
        var commands = ConsoleCommandSet()
        commands.register(
            ConsoleCommand("user add", summary: "Add a user", usage: "USER ADD <login> \"<full name>\"") { request, _ in
                await recorder.record(request)
                return .ok("added \(request.arguments.count)")
            }
        )
        try await withConsole(commands: commands) { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                let line = #"User ADD ivan "Иван Петров" "say \"hi\"" пароль"#
                #expect(try await client.request(line) == "+OK added 4")
                let request = try #require(await recorder.requests.first)
                #expect(request.command == "USER ADD")
                #expect(request.arguments == ["ivan", "Иван Петров", #"say "hi""#, "пароль"])
                #expect(request.line == line)
            }
        }
    }

    @Test func unterminatedQuoteIsASyntaxError() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request(#"PING "Иван"#) == "-ERR SYNTAX unterminated quoted argument")
                #expect(try await client.request("PING") == "+PONG")
            }
        }
    }

    @Test func subcommandsFormGroups() async throws {
        var commands = ConsoleCommandSet()
        commands.register(ConsoleCommand("USER ADD", summary: "Add a user") { _, _ in .ok("add") })
        commands.register(ConsoleCommand("USER DEL", summary: "Delete a user") { _, _ in .ok("del") })
        try await withConsole(commands: commands) { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request("user del x") == "+OK del")
                #expect(try await client.request("USER") == "-ERR SYNTAX USER needs a subcommand; see HELP USER")
                #expect(try await client.request("USER FOO") == "-ERR unknown command 'USER FOO'")
                try await client.sendLine("HELP user")
                let lines = try await client.readBlock()
                #expect(lines.contains { $0.contains("USER ADD") && $0.contains("Add a user") })
                #expect(lines.contains { $0.contains("USER DEL") && $0.contains("Delete a user") })
            }
        }
    }

    @Test func tablesAreTabSeparatedAndEscaped() async throws {
        var commands = ConsoleCommandSet()
        commands.register(
            ConsoleCommand("LIST") { _, _ in
                .table(header: ["login", "name"], rows: [["ivan", "Иван\tПетров"], [".", "line\nbreak"]])
            })
        try await withConsole(commands: commands) { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                try await client.sendLine("LIST")
                #expect(try await client.readBlock() == ["login\tname", "ivan\tИван\\tПетров", "..\tline\\nbreak"])
                #expect(client.bareLineFeeds == 0)
            }
        }
    }

    @Test func sessionsKeepAttributesPerConnection() async throws {
        var commands = ConsoleCommandSet()
        commands.register(
            ConsoleCommand("SET") { request, session in
                guard request.arguments.count == 2 else { return .error(code: "SYNTAX", message: "SET <key> <value>") }
                await session.setAttribute(request.arguments[0], to: request.arguments[1])
                return .ok("")
            })
        commands.register(
            ConsoleCommand("GET") { request, session in
                guard let value = await session.attribute(request.arguments.first ?? "", as: String.self) else {
                    return .error(code: "NOTFOUND", message: "no such attribute")
                }
                return .ok(value)
            })
        commands.register(ConsoleCommand("WHOAMI") { _, session in .ok("\(session.peer) \(session.id)") })
        try await withConsole(commands: commands) { console throws in
            try await ConsoleTestClient.connect(to: console.address) { first throws in
                #expect(try await first.request("SET user \"Иван\"") == "+OK")
                #expect(try await first.request("GET user") == "+OK Иван")
                #expect(try await first.request("WHOAMI")?.hasPrefix("+OK 127.0.0.1 ") == true)
                try await ConsoleTestClient.connect(to: console.address) { second throws in
                    #expect(try await second.request("GET user") == "-ERR NOTFOUND no such attribute")
                }
            }
        }
    }
}

/// Remembers the requests a test command received.
actor Recorder {
    private(set) var requests: [ConsoleRequest] = []

    func record(_ request: ConsoleRequest) {
        requests.append(request)
    }
}

import AdminConsole
import Testing

@Suite("Hostile input")
struct HostileInputTests {
    @Test func overlongLineIsRejectedAndOtherClientsStillServed() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { hostile throws in
                try await ConsoleTestClient.connect(to: console.address) { bystander throws in
                    #expect(try await bystander.request("PING") == "+PONG")
                    try await hostile.sendLine("PING " + String(repeating: "A", count: 70 * 1024))
                    #expect(try await hostile.readLine() == "-ERR LINE_TOO_LONG line exceeds 65536 bytes")
                    #expect(try await hostile.readLine() == nil)
                    #expect(try await bystander.request("PING") == "+PONG")
                }
            }
            try await ConsoleTestClient.connect(to: console.address) { later throws in
                #expect(try await later.request("PING") == "+PONG")
            }
        }
    }

    @Test func lineWithinTheLimitIsAccepted() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                let line = "PING " + String(repeating: "A", count: 65000)
                #expect(try await client.request(line) == "+PONG")
            }
        }
    }

    @Test func lineLimitIsExact() async throws {
        let configuration = ConsoleConfiguration(host: "127.0.0.1", port: 0, maxLineBytes: 16)
        try await withConsole(configuration) { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request("PING 56789abcdef") == "+PONG", "16 bytes")
                #expect(try await client.request("PING 56789abcdefg") == "-ERR LINE_TOO_LONG line exceeds 16 bytes")
                #expect(try await client.readLine() == nil)
            }
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                try await client.send("PING " + String(repeating: "x", count: 100))
                #expect(try await client.readUntilClosed() == ["-ERR LINE_TOO_LONG line exceeds 16 bytes"], "no newline yet")
            }
        }
    }

    @Test func nulByteClosesTheConnection() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                try await client.send("PI\u{0}NG\r\nPING\r\n")
                #expect(try await client.readUntilClosed() == ["-ERR PROTOCOL NUL byte in input"])
            }
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request("PING") == "+PONG")
            }
        }
    }

    @Test func invalidUTF8ClosesTheConnection() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                try await client.send(bytes: Array("PING ".utf8) + [0xC3, 0x28, 0x0D, 0x0A] + Array("PING\r\n".utf8))
                #expect(try await client.readUntilClosed() == ["-ERR PROTOCOL input is not valid UTF-8"])
            }
        }
    }

    @Test func randomBinaryJunkClosesTheConnection() async throws {
        var generator = SplitMix64(seed: 0xC0FFEE)
        let junk = (0..<16 * 1024).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try await withConsole { console throws in
            let started = ContinuousClock.now
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                try await client.send(bytes: junk)
                let lines = try await client.readUntilClosed()
                #expect(lines.last?.hasPrefix("-ERR PROTOCOL") == true, "got \(lines)")
                #expect(lines.allSatisfy { $0.hasPrefix("-ERR ") })
            }
            #expect(ContinuousClock.now - started < .seconds(5))
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                #expect(try await client.request("PING") == "+PONG")
            }
        }
    }

    @Test func tooManyUnknownCommandsCloseTheConnection() async throws {
        try await withConsole { console throws in
            try await ConsoleTestClient.connect(to: console.address) { client throws in
                for number in 1...9 {
                    #expect(try await client.request("BOGUS\(number)") == "-ERR unknown command 'BOGUS\(number)'")
                }
                #expect(try await client.request("PING") == "+PONG", "a valid command resets the count")
                for number in 1...10 {
                    #expect(try await client.request("JUNK\(number)") == "-ERR unknown command 'JUNK\(number)'")
                }
                #expect(try await client.readUntilClosed() == ["-ERR PROTOCOL too many invalid commands, closing"])
            }
        }
    }

    @Test func idleClientsAreClosed() async throws {
        // The active client asks every 50 ms and must never look idle: only a stall of the whole
        // process longer than the 5 s timeout could make it (a CI machine at load 20 stalled 2 s).
        try await withConsole(localConfiguration(idleTimeout: .seconds(5))) { console throws in
            try await ConsoleTestClient.connect(to: console.address) { active throws in
                try await ConsoleTestClient.connect(to: console.address) { idle throws in
                    let started = ContinuousClock.now
                    while ContinuousClock.now - started < .seconds(7) {
                        #expect(try await active.request("PING") == "+PONG")
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    #expect(try await idle.readUntilClosed() == ["-ERR TIMEOUT idle timeout, closing"])
                    #expect(ContinuousClock.now - started >= .milliseconds(4900))
                    #expect(try await active.request("PING") == "+PONG")
                }
            }
        }
    }
}

/// A small seeded generator so the junk is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

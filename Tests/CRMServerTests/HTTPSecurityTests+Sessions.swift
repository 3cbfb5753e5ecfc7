import CRMServer
import Foundation
import Logging
import PostgresClient
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension HTTPSecurityTests {
    @Test("login networks, trusted proxies, X-Forwarded-For, session binding, IPv6")
    func ipRules() async throws {
        // Server A: no trusted proxy. Server B: 127.0.0.1 is a trusted proxy. Same database.
        let direct = try await RunningServer.start(demoPassword: RunningServer.demoPassword)
        let proxied = try await RunningServer.start(conninfo: direct.ownerConninfo, migrate: false, trustedProxies: ["127.0.0.1"])
        let owner = try await OwnerConnection.open(direct)
        defer { owner.close() }
        try await owner.query(
            """
            insert into crm.networks (network, user_id, purpose, description)
            select '10.1.0.0/16', id, 'login', 'Moscow office' from crm.users where login = 'manager.msk'
            """)

        // From 127.0.0.1, outside the network: refused with a reason; a spoofed header is ignored.
        var response = try await direct.login("manager.msk")
        #expect(response.status == 403)
        #expect(response.body.contains("network"), "\(response.body)")
        #expect(JSON.errorCode(response.body) == "forbidden")
        response = try await direct.login("manager.msk", headers: ["X-Forwarded-For": "10.1.2.3"])
        #expect(response.status == 403, "a spoofed X-Forwarded-For must not count without a trusted proxy")
        // Through the trusted proxy, the forwarded address counts.
        response = try await proxied.login("manager.msk", headers: ["X-Forwarded-For": "10.1.2.3"])
        #expect(response.status == 200, "\(response.body)")
        let token = try #require(JSON.object(response.body)["token"] as? String)
        // The rightmost untrusted hop is the client: a client-written hop to its left does not count.
        response = try await proxied.login("manager.msk", headers: ["X-Forwarded-For": "10.1.2.3, 192.0.2.7"])
        #expect(response.status == 403)

        // The session is bound to the network it was opened from.
        response = try await proxied.call("GET", "/api/v1/me", token: token, headers: ["X-Forwarded-For": "10.1.200.9"])
        #expect(response.status == 200, "same login network")
        response = try await proxied.call("GET", "/api/v1/deals", token: token, headers: ["X-Forwarded-For": "192.168.7.7"])
        #expect(response.status == 401)
        #expect(response.body.contains("another network"), "\(response.body)")
        response = try await direct.call("GET", "/api/v1/me", token: token)
        #expect(response.status == 401, "127.0.0.1 is outside the session's network")

        // Without login networks the session is bound to the client's /24.
        let juniorToken = try await proxied.token("junior.msk", headers: ["X-Forwarded-For": "172.16.1.10"])
        response = try await proxied.call("GET", "/api/v1/me", token: juniorToken, headers: ["X-Forwarded-For": "172.16.1.99"])
        #expect(response.status == 200)
        response = try await proxied.call("GET", "/api/v1/me", token: juniorToken, headers: ["X-Forwarded-For": "172.16.2.1"])
        #expect(response.status == 401)

        // The refusal is audited with the client's address.
        let refused = try await owner.query(
            """
            select count(*) from audit.log where action = 'login_failed' and client_ip = '127.0.0.1'
              and user_id = (select id from crm.users where login = 'manager.msk')
            """)[0].decode(Int64.self, at: 0)
        #expect(refused >= 1)

        // IPv6: a server on ::1 (skipped when this machine has no IPv6 loopback).
        if Self.ipv6LoopbackAvailable() {
            let v6 = try await RunningServer.start(conninfo: direct.ownerConninfo, migrate: false, httpHost: "::1")
            let headToken = try await v6.token("head.msk")
            response = try await v6.call("GET", "/api/v1/me", token: headToken)
            #expect(response.status == 200)
            response = try await direct.call("GET", "/api/v1/me", token: headToken)
            #expect(response.status == 401, "a session opened from ::1 is bound to its /64")
            try await owner.query(
                """
                insert into crm.networks (network, role_id, purpose)
                select 'fd00:1::/32', role_id, 'login' from crm.user_roles
                where user_id = (select id from crm.users where login = 'head.spb')
                """)
            response = try await v6.login("head.spb")
            #expect(response.status == 403, "::1 is outside fd00:1::/32: \(response.body)")
            let session = try await owner.query(
                "select host(client_ip) from crm_private.sessions where user_id = (select id from crm.users where login = 'head.msk')")
            #expect(try session.map { try $0.decode(String.self, at: 0) }.contains("::1"))
            try await v6.stop()
        } else {
            print("IPv6 loopback unavailable: the IPv6 part of ipRules was skipped")
        }
        try await proxied.stop()
        try await direct.stop()
    }

    static func ipv6LoopbackAvailable() -> Bool {
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 }
        }
    }

    @Test("idle and absolute expiry, a new token per login, logout")
    func sessions() async throws {
        let server = try await RunningServer.start(demoPassword: RunningServer.demoPassword)
        let owner = try await OwnerConnection.open(server)
        defer { owner.close() }
        // Rotation: every login gives a new token; the old one stays valid until logout.
        let first = try await server.token("manager.spb")
        let second = try await server.token("manager.spb")
        #expect(first != second)
        #expect(try await server.call("GET", "/api/v1/me", token: first).status == 200)
        #expect(try await server.call("GET", "/api/v1/me", token: second).status == 200)
        #expect(try await server.call("POST", "/api/v1/auth/logout", token: first).status == 204)
        #expect(try await server.call("GET", "/api/v1/me", token: first).status == 401)
        #expect(try await server.call("GET", "/api/v1/clients", token: first).status == 401)
        #expect(try await server.call("POST", "/api/v1/auth/logout", token: first).status == 401)
        #expect(try await server.call("GET", "/api/v1/me", token: second).status == 200)
        #expect(try await server.call("GET", "/api/v1/me", token: "crm_s_forged").status == 401)

        // Idle after 12 s; requests every 3 s keep the session (wide margins: the suite loads a
        // 2-core machine so much that a request can take several seconds to answer).
        try await owner.query(
            #"select crm_api.update_security_config('{"idle_timeout": "12 seconds", "session_touch_interval": "0 seconds"}')"#)
        let idle = try await server.token("head.spb")
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(3000))
            #expect(try await server.call("GET", "/api/v1/deals", token: idle).status == 200)
        }
        // Requests that fail (404) are activity too: their rollback must not lose the touch.
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(3000))
            #expect(try await server.call("GET", "/api/v1/deals/999999999", token: idle).status == 404)
        }
        #expect(try await server.call("GET", "/api/v1/deals", token: idle).status == 200)
        try await Task.sleep(for: .milliseconds(12_600))
        var response = try await server.call("GET", "/api/v1/deals", token: idle)
        #expect(response.status == 401)
        #expect(response.body.contains("inactivity"), "\(response.body)")

        // Absolute: 6 s after login, however busy (the margins hold on a loaded machine, where a
        // request can take a second).
        try await owner.query(
            #"select crm_api.update_security_config('{"idle_timeout": "30 minutes", "absolute_timeout": "6 seconds"}')"#)
        let short = try await server.token("head.spb")
        let signedIn = ContinuousClock.now
        for _ in 0..<2 {
            try await Task.sleep(for: .milliseconds(1000))
            #expect(try await server.call("GET", "/api/v1/me", token: short).status == 200)
        }
        try await Task.sleep(until: signedIn + .milliseconds(6800))
        response = try await server.call("GET", "/api/v1/me", token: short)
        #expect(response.status == 401)
        #expect(response.body.contains("expired"), "\(response.body)")
        try await server.stop()
    }

    @Test("lockout after 10 failures; unknown logins get the same answers")
    func lockout() async throws {
        let server = try await RunningServer.start(demoPassword: RunningServer.demoPassword)
        let owner = try await OwnerConnection.open(server)
        defer { owner.close() }
        // 45 s: long enough that a loaded 2-core machine finishes the checks below while locked.
        try await owner.query(#"select crm_api.update_security_config('{"lockout_base": "45 seconds"}')"#)
        func attempts(_ login: String) async throws -> [String] {
            var answers: [String] = []
            for _ in 0..<11 {
                let response = try await server.login(login, password: "wrong-password")
                answers.append("\(response.status) \(JSON.errorCode(response.body) ?? "") \(Self.message(response.body))")
            }
            return answers
        }
        let known = try await attempts("purchaser")
        let lockedSince = ContinuousClock.now
        let unknown = try await attempts("no.such.user")
        #expect(known == unknown)
        #expect(known.prefix(9).allSatisfy { $0.hasPrefix("401 unauthorized") }, "\(known)")
        #expect(known.suffix(2).allSatisfy { $0.hasPrefix("429 too_many_requests") }, "\(known)")
        // Locked: even the right password is refused, for a while.
        var response = try await server.login("purchaser")
        #expect(response.status == 429)
        response = try await server.login("no.such.user")
        #expect(response.status == 429)
        // Another account from the same address is not affected.
        #expect(try await server.login("accountant").status == 200)
        // The lock ends 45 s after the tenth failure (the eleventh attempt came after it).
        try await Task.sleep(until: lockedSince + .seconds(45.5))
        response = try await server.login("purchaser")
        #expect(response.status == 200, "\(response.body)")
        let events = try await owner.query(
            "select action, count(*) from audit.log where action in ('login_failed', 'lockout') group by action order by action")
        let counts = Dictionary(uniqueKeysWithValues: try events.map { try $0.decode((String, Int64).self) })
        #expect(counts["login_failed", default: 0] >= 20)
        #expect(counts["lockout", default: 0] >= 2)
        try await server.stop()
    }

    static func message(_ body: String) -> String {
        ((JSON.object(body)["error"] as? [String: Any])?["message"] as? String) ?? ""
    }

    @Test("one pooled connection, 10,000 requests alternating between users: never a foreign row")
    func oneConnectionManyUsers() async throws {
        // Eight clients queue for the one connection: on a loaded machine a wait can pass 10 s.
        let (server, _) = try await Self.startScenario(poolSize: 1, poolAcquireTimeout: .seconds(120))
        let owner = try await OwnerConnection.open(server)
        let facts = try await AccessFacts.load(owner.connection)
        owner.close()
        let users = ["manager.msk", "junior.msk", "head.spb", "director"]
        var tokens: [String: String] = [:]
        for login in users { tokens[login] = try await server.token(login) }
        let expected: [String: [Entity: Set<Int64>]] = Dictionary(
            uniqueKeysWithValues: users.map { login in
                (login, [.deal: facts.visibleIDs(login, .deal), .client: facts.visibleIDs(login, .client)])
            })
        // The sets differ, so a context leaking from one request to the next would show.
        #expect(Set(users.map { expected[$0]![.deal]! }).count == users.count)
        // 8 client loops, each on its own thread with one keep-alive connection.
        let environment = ProcessInfo.processInfo.environment
        let loops = environment["CRM_TEST_POOL_LOOPS"].flatMap(Int.init) ?? 8
        let perLoop = (environment["CRM_TEST_POOL_REQUESTS"].flatMap(Int.init) ?? 10_000) / loops
        let started = ContinuousClock.now
        defer { print("one connection: \(loops * perLoop) requests in \(ContinuousClock.now - started)") }
        let tokensCopy = tokens
        let (host, port) = (server.httpHost, server.httpPort)
        let failures = try await withThrowingTaskGroup(of: [String].self) { group in
            for loop in 0..<loops {
                group.addTask {
                    try await TestPostgres.runBlocking {
                        let client = try KeepAliveHTTPClient(host: host, port: port)
                        var found: [String] = []
                        for step in 0..<perLoop {
                            let login = users[(loop + step) % users.count]
                            let entity: Entity = (step / users.count) % 2 == 0 ? .deal : .client
                            let (status, body) = try client.get(
                                "/api/v1/\(entity.path)", headers: ["Authorization": "Bearer \(tokensCopy[login]!)"])
                            let got = Set(JSON.ids(body))
                            if status != 200 || got != expected[login]![entity]! {
                                found.append(
                                    "\(login) \(entity.path) #\(step): \(status) \(got.subtracting(expected[login]![entity]!).sorted())")
                                if found.count > 20 { return found }
                            }
                        }
                        return found
                    }
                }
            }
            var all: [String] = []
            for try await found in group { all += found }
            return all
        }
        #expect(failures.isEmpty, "\(failures.prefix(20).joined(separator: "\n"))")
        try await server.stop()
    }

    @Test("each HTTP write leaves exactly one audit row with the user and the client IP")
    func auditOfWrites() async throws {
        let direct = try await RunningServer.start(demoPassword: RunningServer.demoPassword)
        let proxied = try await RunningServer.start(conninfo: direct.ownerConninfo, migrate: false, trustedProxies: ["127.0.0.1"])
        let owner = try await OwnerConnection.open(direct)
        defer { owner.close() }
        let headMsk = try await owner.query("select id from crm.users where login = 'head.msk'")[0].decode(Int64.self, at: 0)
        let forwarded = ["X-Forwarded-For": "203.0.113.45"]
        let token = try await proxied.token("head.msk", headers: forwarded)
        let localToken = try await direct.token("head.msk")

        func auditRows(_ table: String, _ id: Int64) async throws -> [(String, Int64?, String?)] {
            try await owner.query(
                "select action, user_id, host(client_ip) from audit.log where table_name = \(table) and row_id = \(id) order by id"
            ).map { try $0.decode((String, Int64?, String?).self) }
        }
        let bodies: [Entity: (create: String, patch: String)] = [
            .client: (#"{"name": "ООО «Аудит»"}"#, #"{"notes": "изменено"}"#),
            .deal: (#"{"title": "Сделка для аудита", "amount": 10}"#, #"{"amount": "20.50"}"#),
            .task: (#"{"title": "Задача для аудита"}"#, #"{"status": "done"}"#),
        ]
        for (entity, body) in bodies.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for (server, token, ip, headers) in [
                (proxied, token, "203.0.113.45", forwarded), (direct, localToken, "127.0.0.1", [String: String]()),
            ] {
                let table = "crm.\(entity.path)"
                let created = try await server.call("POST", "/api/v1/\(entity.path)", token: token, body: body.create, headers: headers)
                #expect(created.status == 201, "\(created.body)")
                let id = try #require(JSON.id(created.body))
                var rows = try await auditRows(table, id)
                #expect(rows.count == 1 && rows[0].0 == "insert" && rows[0].1 == headMsk && rows[0].2 == ip, "\(rows)")
                let patched = try await server.call(
                    "PATCH", "/api/v1/\(entity.path)/\(id)", token: token, body: body.patch, headers: headers)
                #expect(patched.status == 200)
                rows = try await auditRows(table, id)
                #expect(rows.count == 2 && rows[1].0 == "update" && rows[1].1 == headMsk && rows[1].2 == ip, "\(rows)")
                let deleted = try await server.call("DELETE", "/api/v1/\(entity.path)/\(id)", token: token, headers: headers)
                #expect(deleted.status == 204)
                rows = try await auditRows(table, id)
                #expect(rows.count == 3 && rows[2].0 == "delete" && rows[2].1 == headMsk && rows[2].2 == ip, "\(rows)")
                // A refused write leaves nothing.
                let refused = try await server.call("DELETE", "/api/v1/\(entity.path)/\(id)", token: token, headers: headers)
                #expect(refused.status == 404)
                #expect(try await auditRows(table, id).count == 3)
            }
        }
        try await proxied.stop()
        try await direct.stop()
    }
}

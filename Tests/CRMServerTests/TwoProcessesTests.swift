import Foundation
import TestSupport
import Testing

/// Two server processes on one database: the in-process test server and the built `crm`
/// binary. A notification made by a request to one reaches an event stream on the other (LISTEN/
/// NOTIFY), and due timers fire exactly once while both poll.
@Suite("Two server processes", .serialized, .stopsItsServers)
struct TwoProcessesTests {
    @Test("notifications cross processes both ways; timers fire once with two processes polling")
    func twoProcesses() async throws {
        let a = try await RunningServer.start(demo: true, eventHeartbeat: .seconds(1))
        let folder = FileManager.default.temporaryDirectory.path + "/crm-two-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let process = try CRMProcess(
            [
                "serve", "--database-url", a.ownerConninfo, "--http-port", "0", "--console-port", "0", "--sql-dir",
                RunningServer.sqlDirectory, "--data-dir", folder + "/data", "--log-level", "info",
            ],
            directory: folder)
        let line = try await process.waitForLine(containing: "HTTP listening")
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        func onProcess(_ method: String, _ path: String, token: String?, body: String? = nil) async throws -> HTTPTestResponse {
            try await TestPostgres.runBlocking {
                try HTTPTestResponse.fetch(
                    port: port, method: method, path: path,
                    headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:], body: body)
            }
        }
        func token(_ login: String) async throws -> String {
            let body = #"{"login": "\#(login)", "password": "\#(RunningServer.demoPassword)"}"#
            let response = try await onProcess("POST", "/api/v1/auth/login", token: nil, body: body)
            return try #require(JSON.object(response.body)["token"] as? String, "\(response.body)")
        }
        let manager = try await ownerQuery(a, "select id from crm.users where login = 'manager.msk'")[0].decode(Int64.self, at: 0)

        // A request to the process → the stream on the in-process server.
        let managerOnA = try await APIClient.signIn(a, "manager.msk")
        let streamOnA = try await EventStreamClient.connect(a, token: managerOnA.token)
        let headOnProcess = try await token("head.msk")
        let response = try await onProcess(
            "POST", "/api/v1/tasks", token: headOnProcess,
            body: #"{"title": "Из другого процесса", "assignee_id": \#(manager)}"#)
        #expect(response.status == 201, "\(response.body)")
        let first = try #require(try await TestPostgres.runBlocking { try streamOnA.next() })
        #expect(first.event == "task_assigned")
        #expect(first.payloadID("task_id") == JSON.id(response.body))

        // A request to the in-process server → the stream on the process.
        let managerOnProcess = try await token("manager.msk")
        let streamOnProcess = try await TestPostgres.runBlocking { try EventStreamClient(port: port, token: managerOnProcess) }
        #expect(streamOnProcess.status == 200)
        let headOnA = try await APIClient.signIn(a, "head.msk")
        let task = try await headOnA.create("/api/v1/tasks", #"{"title": "Из тестового процесса", "assignee_id": \#(manager)}"#)
        var received: EventStreamClient.Event?
        while let event = try await TestPostgres.runBlocking({ try streamOnProcess.next() }) {
            if event.payloadID("task_id") == task {
                received = event
                break
            }
        }
        #expect(received?.event == "task_assigned")

        // Timers: both processes poll; each reminder fires once.
        let n: Int64 = 200
        _ = try await ownerQuery(
            a,
            """
            insert into crm.tasks (title, assignee_id, owner_id, reminder_at)
            select 'Два процесса ' || i, \(manager), \(manager), now() + interval '2 seconds' from generate_series(1, \(n)) i
            """)
        let deadline = ContinuousClock.now + .seconds(90)
        var fired: Int64 = 0
        while ContinuousClock.now < deadline {
            fired = try await ownerQuery(
                a,
                """
                select count(*) from crm.notifications where kind = 'reminder_due'
                   and (payload ->> 'task_id')::bigint in (select id from crm.tasks where title like 'Два процесса %')
                """)[0].decode(Int64.self, at: 0)
            if fired >= n { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        try await Task.sleep(for: .seconds(2))
        let (total, distinct) = try await ownerQuery(
            a,
            """
            select count(*), count(distinct payload ->> 'task_id') from crm.notifications where kind = 'reminder_due'
               and (payload ->> 'task_id')::bigint in (select id from crm.tasks where title like 'Два процесса %')
            """)[0].decode((Int64, Int64).self)
        #expect(total == n && distinct == n, "\(total) reminders for \(distinct) of \(n) tasks")

        streamOnProcess.socket.disconnect()
        process.child.signal(SIGTERM)
        #expect(try await process.waitForExit() == 0, "\(process.output.suffix(2000))")
        streamOnA.socket.disconnect()
        try await a.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

import Foundation
import Logging
import NIOPosix
import PostgresClient
import TestSupport
import Testing

/// Timers (durable, exactly once across restarts and instances), the notifications they and the
/// task/deal triggers produce, the notifications API and the event stream (SSE) across two
/// server instances on one database.
@Suite("Notifications and timers", .serialized, .stopsItsServers)
struct NotificationsAndTimersTests {
    // MARK: timers

    @Test("a reminder set before a restart fires once, on the next server")
    func reminderSurvivesRestart() async throws {
        let first = try await RunningServer.start(demo: true)
        let manager = try await APIClient.signIn(first, "manager.msk")
        // Due an hour from now: the first server stops long before, however loaded the machine.
        let due = Date().addingTimeInterval(3600)
        let task = try await manager.create("/api/v1/tasks", #"{"title": "Перезвонить", "reminder_at": "\#(iso(due))"}"#)
        try await first.stop()
        let database = first.ownerConninfo
        let pending = "select count(*) from crm.notifications where kind = 'reminder_due' and (payload ->> 'task_id')::bigint = \(task)"
        #expect(try await Self.ownerCount(database, pending) == 0, "stopped before it was due")
        // Time passes while no server runs: the timer falls due now; the next server fires it.
        let timer = "(payload ->> 'task_id')::bigint = \(task) and kind = 'task_reminder' and fired_at is null"
        #expect(try await Self.ownerCount(database, "select count(*) from crm_private.timers where \(timer)") == 1)
        _ = try await Self.ownerCount(
            database,
            "with due as (update crm_private.timers set due_at = now(), run_at = now() where \(timer) returning 1) select count(*) from due"
        )
        #expect(try await Self.ownerCount(database, pending) == 0)
        let second = try await RunningServer.start(conninfo: first.ownerConninfo)
        #expect(try await eventually(timeout: .seconds(20)) { try await count(second, "reminder_due", task: task) == 1 })
        try await Task.sleep(for: .seconds(2))
        #expect(try await count(second, "reminder_due", task: task) == 1, "exactly once")
        let again = try await APIClient.signIn(second, "manager.msk")
        let list = try await again.get("/api/v1/notifications?kind=reminder_due")
        #expect(list.status == 200)
        #expect(list.items.contains { ($0["payload"] as? [String: Any])?["task_id"] as? NSNumber == NSNumber(value: task) })
        try await second.stop()
    }

    @Test("two instances fire many due timers, each exactly once; a failing handler blocks nothing")
    func twoInstancesFireEachTimerOnce() async throws {
        let a = try await RunningServer.start(demo: true)
        let b = try await RunningServer.start(conninfo: a.ownerConninfo)
        let owner = try await OwnerConnection.open(a)
        defer { owner.close() }
        try await owner.query(
            """
            create function crm_private.timer_test_fail(p jsonb) returns void language plpgsql as $$
            begin raise exception 'failing on purpose'; end $$
            """)
        try await owner.query("select crm_private.schedule_timer(now(), 'test_fail', '{}', 'test:fail')")
        let n = 300
        try await owner.query(
            """
            insert into crm.tasks (title, assignee_id, owner_id, reminder_at)
            select 'Пакет ' || i, u.id, u.id, now() + interval '2 seconds'
              from generate_series(1, \(Int64(n))) i, crm.users u where u.login = 'manager.msk'
            """)
        let fired: @Sendable () async throws -> Int64 = {
            try await ownerQuery(
                a,
                """
                select count(*) from crm_private.timers
                 where kind = 'task_reminder' and fired_at is not null and payload ->> 'task_id' in
                       (select id::text from crm.tasks where title like 'Пакет %')
                """)[0].decode(Int64.self, at: 0)
        }
        #expect(try await eventually(timeout: .seconds(60)) { try await fired() == Int64(n) })
        try await Task.sleep(for: .seconds(2))
        let row = try await owner.query(
            """
            select count(*), count(distinct (n.payload ->> 'task_id'))
              from crm.notifications n where n.kind = 'reminder_due'
               and (n.payload ->> 'task_id')::bigint in (select id from crm.tasks where title like 'Пакет %')
            """)[0]
        let (total, distinct) = try row.decode((Int64, Int64).self)
        #expect(total == Int64(n) && distinct == Int64(n), "\(total) reminders for \(distinct) of \(n) tasks")
        let failing = try await owner.query(
            "select attempts, last_error, fired_at is null, run_at > due_at from crm_private.timers where key = 'test:fail'")[0]
        let (attempts, error, unfired, later) = try failing.decode((Int32, String?, Bool, Bool).self)
        #expect(attempts >= 1 && unfired)
        // Put off after each failure: its next attempt is later than it was due (however long the
        // machine took since: a back-off of 5 s may have passed already on a loaded machine).
        #expect(later, "attempts \(attempts), put off: \(later)")
        #expect(error?.contains("failing on purpose") == true)
        try await b.stop()
        try await a.stop()
    }

    // MARK: notifications of tasks and deals

    @Test("task_assigned, reminder, overdue with escalation and deal_moved reach the right people")
    func taskAndDealNotifications() async throws {
        let server = try await RunningServer.start(demo: true)
        let head = try await APIClient.signIn(server, "head.msk")
        let manager = try await APIClient.signIn(server, "manager.msk")
        let junior = try await APIClient.signIn(server, "junior.msk")
        let ids = try await userIDs(server)

        // Assigned by somebody else: notified; to oneself: not.
        let assigned = try await head.create("/api/v1/tasks", #"{"title": "Подготовить КП", "assignee_id": \#(ids["manager.msk"]!)}"#)
        let own = try await manager.create("/api/v1/tasks", #"{"title": "Себе"}"#)
        #expect(try await count(server, "task_assigned", task: assigned, user: ids["manager.msk"]!) == 1)
        #expect(try await count(server, "task_assigned", task: own) == 0)
        let mine = try await manager.get("/api/v1/notifications?kind=task_assigned&unread=true")
        let item = try #require(
            mine.items.first { ($0["payload"] as? [String: Any])?["task_id"] as? NSNumber == NSNumber(value: assigned) })
        #expect((item["payload"] as? [String: Any])?["assigned_by"] as? NSNumber == NSNumber(value: ids["head.msk"]!))
        // Reassigned: the new assignee is notified.
        let moved = try await head.patch("/api/v1/tasks/\(assigned)", #"{"assignee_id": \#(ids["junior.msk"]!)}"#)
        #expect(moved.status == 200, "\(moved.text)")
        #expect(try await count(server, "task_assigned", task: assigned, user: ids["junior.msk"]!) == 1)

        // Overdue: the assignee, and the head of the assignee's department.
        let due = iso(Date().addingTimeInterval(1))
        let late = try await manager.create(
            "/api/v1/tasks", #"{"title": "Срочно", "assignee_id": \#(ids["junior.msk"]!), "due_at": "\#(due)", "reminder_at": "\#(due)"}"#)
        #expect(try await eventually(timeout: .seconds(20)) { try await count(server, "task_overdue", task: late) == 2 })
        #expect(try await count(server, "task_overdue", task: late, user: ids["junior.msk"]!) == 1)
        #expect(try await count(server, "task_overdue", task: late, user: ids["head.msk"]!) == 1)
        #expect(try await count(server, "reminder_due", task: late, user: ids["junior.msk"]!) == 1)
        // Done before due: nothing fires.
        let done = try await manager.create(
            "/api/v1/tasks", #"{"title": "Успею", "due_at": "\#(iso(Date().addingTimeInterval(2)))"}"#)
        #expect(try await manager.patch("/api/v1/tasks/\(done)", #"{"status": "done"}"#).status == 200)
        try await Task.sleep(for: .seconds(4))
        #expect(try await count(server, "task_overdue", task: done) == 0)

        // A deal moved by the head: its responsible is told; moved by the responsible: not.
        let stages = try await DealRulesAPITests.stages(manager)
        let deal = try await manager.create(
            "/api/v1/deals", #"{"title": "Мука, 20 т", "responsible_id": \#(ids["manager.msk"]!)}"#)
        #expect(try await head.patch("/api/v1/deals/\(deal)", #"{"stage_id": \#(stages["qualification"]!)}"#).status == 200)
        let dealMoves: @Sendable () async throws -> [[String: Any]] = {
            try await manager.get("/api/v1/notifications?kind=deal_moved").items.filter {
                ($0["payload"] as? [String: Any])?["deal_id"] as? NSNumber == NSNumber(value: deal)
            }
        }
        let told = try await dealMoves()
        #expect(told.count == 1)
        let payload = told.first?["payload"] as? [String: Any] ?? [:]
        #expect(payload["from_stage_id"] as? NSNumber == NSNumber(value: stages["new"]!))
        #expect(payload["to_stage_id"] as? NSNumber == NSNumber(value: stages["qualification"]!))
        #expect(payload["moved_by"] as? NSNumber == NSNumber(value: ids["head.msk"]!))
        #expect(try await manager.patch("/api/v1/deals/\(deal)", #"{"stage_id": \#(stages["proposal"]!)}"#).status == 200)
        #expect(try await dealMoves().count == 1, "a move by the responsible is not notified to them")
        let events = try await ownerQuery(
            server, "select count(*) from crm_private.events where kind = 'deal_moved' and (payload ->> 'deal_id')::bigint = \(deal)")
        #expect(try events[0].decode(Int64.self, at: 0) == 2, "both moves are in the outbound event log")
        // A stage reminder (scheduled by the stage rules): only while the deal is in that stage.
        try await ownerQuery(server, "select crm_private.schedule_stage_reminder(\(deal), \(stages["proposal"]!), interval '0 seconds')")
        try await ownerQuery(
            server, "select crm_private.schedule_stage_reminder(\(deal), \(stages["qualification"]!), interval '0 seconds')")
        let stageReminders: @Sendable () async throws -> [Int64] = {
            try await ownerQuery(
                server,
                """
                select (payload ->> 'stage_id')::bigint from crm.notifications
                 where kind = 'reminder_due' and (payload ->> 'deal_id')::bigint = \(deal) and user_id = \(ids["manager.msk"]!)
                """
            ).map { try $0.decode(Int64.self, at: 0) }
        }
        #expect(try await eventually(timeout: .seconds(20)) { try await stageReminders() == [stages["proposal"]!] })
        try await Task.sleep(for: .seconds(2))
        #expect(try await stageReminders() == [stages["proposal"]!], "none for a stage the deal is not in")

        // Nobody else sees them.
        #expect(try await junior.get("/api/v1/notifications?kind=deal_moved").items.isEmpty)
        #expect(try await junior.get("/api/v1/notifications/\(try #require(told.first?["id"] as? NSNumber))").status == 404)
        try await server.stop()
    }

    // MARK: the event stream

    @Test("SSE on instance A gets what a request to B produced; Last-Event-ID replays in order; users see only their own; mark read")
    func eventStreamAcrossInstances() async throws {
        let a = try await RunningServer.start(demo: true, eventHeartbeat: .seconds(1))
        let b = try await RunningServer.start(conninfo: a.ownerConninfo, eventHeartbeat: .seconds(1))
        let ids = try await userIDs(a)
        let managerOnA = try await APIClient.signIn(a, "manager.msk")
        let headOnA = try await APIClient.signIn(a, "head.msk")
        let headOnB = try await APIClient.signIn(b, "head.msk")
        let managerOnB = try await APIClient.signIn(b, "manager.msk")

        let stream = try await EventStreamClient.connect(a, token: managerOnA.token)
        #expect(stream.status == 200)
        #expect(stream.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        let headStream = try await EventStreamClient.connect(a, token: headOnA.token)

        let first = try await headOnB.create("/api/v1/tasks", #"{"title": "Задача 1", "assignee_id": \#(ids["manager.msk"]!)}"#)
        let event = try #require(try await stream.nextEvent())
        #expect(event.event == "task_assigned")
        #expect(event.payloadID("task_id") == first)
        #expect(event.json["kind"] as? String == "task_assigned")
        let lastSeen = try #require(event.id)
        #expect(try await owner(a, "select user_id from crm.notifications where id = \(lastSeen)") == ids["manager.msk"]!)

        // Disconnect; three more while away; reconnect with Last-Event-ID.
        stream.socket.disconnect()
        var missed: [Int64] = []
        for i in 2...4 {
            missed.append(try await headOnB.create("/api/v1/tasks", #"{"title": "Задача \#(i)", "assignee_id": \#(ids["manager.msk"]!)}"#))
        }
        let again = try await EventStreamClient.connect(a, token: managerOnA.token, lastEventID: lastSeen)
        var replayed: [EventStreamClient.Event] = []
        for _ in 0..<3 { replayed.append(try #require(try await again.nextEvent())) }
        #expect(replayed.compactMap { $0.payloadID("task_id") } == missed)
        let replayedIDs = replayed.compactMap(\.id)
        #expect(replayedIDs == replayedIDs.sorted() && Set(replayedIDs).count == 3 && replayedIDs.allSatisfy { $0 > lastSeen })
        // Then live again, nothing repeated.
        let fifth = try await headOnB.create("/api/v1/tasks", #"{"title": "Задача 5", "assignee_id": \#(ids["manager.msk"]!)}"#)
        let live = try #require(try await again.nextEvent())
        #expect(live.payloadID("task_id") == fifth)
        #expect(live.id! > replayedIDs.last!)
        // ?last_event_id= works like the header.
        let byQuery = try await EventStreamClient.connect(a, token: managerOnA.token, query: "?last_event_id=\(replayedIDs[1])")
        #expect(try await byQuery.nextEvent()?.id == replayedIDs[2])
        byQuery.socket.disconnect()

        // The head's stream got none of the manager's; it gets its own.
        let forHead = try await managerOnB.create("/api/v1/tasks", #"{"title": "Руководителю", "assignee_id": \#(ids["head.msk"]!)}"#)
        let headEvent = try #require(try await headStream.nextEvent())
        #expect(headEvent.payloadID("task_id") == forHead)
        #expect(try await owner(a, "select user_id from crm.notifications where id = \(headEvent.id!)") == ids["head.msk"]!)

        // Mark read: own only.
        #expect(try await managerOnA.post("/api/v1/notifications/\(live.id!)/read", "{}").status == 204)
        #expect(try await headOnA.post("/api/v1/notifications/\(live.id!)/read", "{}").status == 404)
        let unread = try await managerOnA.get("/api/v1/notifications?unread=true&limit=500")
        #expect(!unread.ids.contains(live.id!) && unread.ids.contains(replayedIDs[0]))
        #expect(unread.ids == unread.ids.sorted(by: >), "newest first")
        let all = try await managerOnA.post("/api/v1/notifications/read-all", "{}")
        #expect(all.status == 200 && (all.int("updated") ?? 0) >= 4)
        #expect(try await managerOnA.get("/api/v1/notifications?unread=true").items.isEmpty)
        let one = try await managerOnA.get("/api/v1/notifications/\(live.id!)")
        #expect(one.status == 200 && one.string("read_at") != nil && one["unread"] as? Bool == false)

        again.socket.disconnect()
        headStream.socket.disconnect()
        try await b.stop()
        try await a.stop()
    }

    @Test("the stream needs a token, ends at logout, does not keep a session alive, and ends at shutdown")
    func eventStreamLifecycle() async throws {
        let server = try await RunningServer.start(demo: true, eventHeartbeat: .seconds(1))
        let none = try await EventStreamClient.connect(server, token: nil)
        #expect(none.status == 401)
        let bad = try await EventStreamClient.connect(server, token: "crm_s_nonsense")
        #expect(bad.status == 401)

        let manager = try await APIClient.signIn(server, "manager.msk")
        let stream = try await EventStreamClient.connect(server, token: manager.token)
        #expect(stream.status == 200)
        // Heartbeats re-check the session without counting as activity. (First let the stream's
        // opening request finish: it counts as activity and may run after the head is sent.)
        try await Task.sleep(for: .seconds(2))
        try await ownerQuery(
            server,
            """
            update crm_private.sessions set last_seen_at = now() - interval '5 minutes'
             where user_id = (select id from crm.users where login = 'manager.msk') and ended_at is null
            """)
        try await Task.sleep(for: .seconds(3))
        let seen = try await ownerQuery(
            server,
            """
            select bool_and(last_seen_at < now() - interval '4 minutes') from crm_private.sessions
             where user_id = (select id from crm.users where login = 'manager.msk') and ended_at is null
            """)
        #expect(try seen[0].decode(Bool?.self, at: 0) == true)
        // Logged out: the stream ends at the next heartbeat.
        #expect(try await manager.post("/api/v1/auth/logout", "{}").status == 204)
        #expect(try await stream.waitForEnd())

        // Graceful shutdown ends a connected stream and does not wait for it.
        let director = try await APIClient.signIn(server, "director")
        let open = try await EventStreamClient.connect(server, token: director.token)
        #expect(open.status == 200)
        let started = ContinuousClock.now
        try await server.stop()
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(try await open.waitForEnd())
    }

    // MARK: helpers

    func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// How many notifications of `kind` about task `task` (for `user`, when given) are stored.
    func count(_ server: RunningServer, _ kind: String, task: Int64, user: Int64? = nil) async throws -> Int64 {
        try await ownerQuery(
            server,
            """
            select count(*) from crm.notifications
             where kind = \(kind) and (payload ->> 'task_id')::bigint = \(task) and (\(user)::bigint is null or user_id = \(user))
            """)[0].decode(Int64.self, at: 0)
    }

    /// A count read as the owner on a database no running server serves (own threads).
    static func ownerCount(_ conninfo: String, _ sql: String) async throws -> Int64 {
        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        var logger = Logger(label: "test.owner")
        logger.logLevel = .warning
        let connection = try await PostgresConnection.connect(conninfo, threadPool: threads, logger: logger)
        let value = try await connection.query(PostgresQuery(sql: sql, bindings: []))[0].decode(Int64.self, at: 0)
        await connection.close()
        try await threads.shutdownGracefully()
        return value
    }

    func owner(_ server: RunningServer, _ sql: String) async throws -> Int64 {
        try await ownerQuery(server, PostgresQuery(sql: sql, bindings: []))[0].decode(Int64.self, at: 0)
    }

    func userIDs(_ server: RunningServer) async throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try await ownerQuery(server, "select login, id from crm.users") {
            let (login, id) = try row.decode((String, Int64).self)
            out[login] = id
        }
        return out
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(200))
    }
    return try await condition()
}

import PostgresClient

/// The three-week planner: days as columns (Monday to Sunday, three rows of weeks), my tasks
/// and meetings placed by their local time. A task chip can be dragged to another day
/// (the script PATCHes `due_at`, keeping the time of day, in my time zone).
enum PlannerPage {
    static func render(_ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        let tz = page.user.timeZone
        let me = page.user.id
        let days = try await page.rows(
            """
            select d::date::text, d::date = (now() at time zone \(tz))::date, extract(isodow from d)::int
            from generate_series(date_trunc('week', now() at time zone \(tz)), date_trunc('week', now() at time zone \(tz)) + interval '20 days', interval '1 day') d
            """)
        guard let first = days.first?[0], let last = days.last?[0] else {
            return .page(title: t[.navPlanner], section: .planner, body: .empty)
        }
        let items = try await page.rows(
            """
            select 'task', t.id, t.title, (t.due_at at time zone \(tz))::date::text, to_char(t.due_at at time zone \(tz), 'HH24:MI'),
                   t.due_at < now() and t.status = 'open', t.status, t.deal_id
            from crm.tasks t
            where t.assignee_id = \(me) and t.status <> 'cancelled'
              and t.due_at >= \(first)::timestamp at time zone \(tz) and t.due_at < (\(last)::date + 1)::timestamp at time zone \(tz)
            union all
            select 'meeting', i.id, coalesce(nullif(i.summary, ''), c.name, ''), (i.occurred_at at time zone \(tz))::date::text,
                   to_char(i.occurred_at at time zone \(tz), 'HH24:MI'), false, 'meeting', i.deal_id
            from crm.interactions i left join crm.clients c on c.id = i.client_id
            where i.owner_id = \(me) and i.kind = 'meeting'
              and i.occurred_at >= \(first)::timestamp at time zone \(tz) and i.occurred_at < (\(last)::date + 1)::timestamp at time zone \(tz)
            order by 4, 5
            """)
        var byDay: [String: [HTML]] = [:]
        for row in items {
            let day = row[3] ?? ""
            let isTask = row[0] == "task"
            let classes = (isTask ? "chip task" : "chip meeting") + (row[5] == "t" ? " overdue" : "") + (row[6] == "done" ? " done" : "")
            let link: HTML = row[7].map { "<a href=\"/deals/\($0)\">\(row[2] ?? "")</a>" } ?? "\(row[2] ?? "")"
            byDay[day, default: []].append(
                "<div class=\"\(classes)\"\(HTML.when(isTask && row[6] == "open", " data-task-id=\"\(row[1] ?? "")\" data-time=\"\(row[4] ?? "")\""))><time>\(row[4] ?? "")</time> \(link)</div>"
            )
        }
        let weekdays: [TextKey] = [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday, .sunday]
        let head = weekdays.map { day -> HTML in "<div class=\"weekday\">\(t[day])</div>" }
        let cells = days.map { row -> HTML in
            let day = row[0] ?? ""
            let weekend = (row[2] == "6" || row[2] == "7") ? " weekend" : ""
            return """
                <div class="day\(row[1] == "t" ? " today" : "")\(weekend)" data-date="\(day)">
                  <div class="date">\(page.format.date(day))</div>
                  \(byDay[day] ?? [])
                </div>
                """
        }
        let body: HTML = """
            <h1>\(t[.navPlanner])</h1>
            <p class="muted">\(t.format(.plannerLead, ["zone": tz]))</p>
            <div class="planner" id="planner">\(head)\(cells)</div>
            """
        return .page(title: t[.navPlanner], section: .planner, body: body)
    }
}

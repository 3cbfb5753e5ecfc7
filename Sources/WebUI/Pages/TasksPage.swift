import HTTPAPI
import Hummingbird
import PostgresClient

/// `/tasks`: my open tasks (overdue, today, upcoming, without a due time) in my time zone, the
/// tasks I set for others, and a form to set a task for a colleague (or a reminder for myself).
/// `/planner`: three weeks from this week's Monday, a column per day, tasks and meetings placed
/// by their time on my clock; drag a task to another day to reschedule it.
struct TasksPage: Sendable {
    let runner: PageRunner

    func register(on router: some RouterMethods<CRMRequestContext>) {
        runner.get(router, "/tasks") { page in try await Self.tasks(page) }
        runner.get(router, "/planner") { page in try await PlannerPage.render(page) }
    }

    static func tasks(_ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        let tz = page.user.timeZone
        let me = page.user.id
        let mine = try await page.rows(
            """
            select t.id, t.title, t.status, to_char(t.due_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'), t.due_at < now(), u.name, t.proof, t.required,
                   t.deal_id, d.title,
                   case when t.due_at is null then 'none'
                        when t.due_at < now() then 'overdue'
                        when (t.due_at at time zone \(tz))::date = (now() at time zone \(tz))::date then 'today'
                        else 'upcoming' end
            from crm.tasks t left join crm.users u on u.id = t.assignee_id left join crm.deals d on d.id = t.deal_id
            where t.assignee_id = \(me) and t.status = 'open'
            order by t.due_at nulls last, t.id limit 300
            """)
        var groups: [String: [HTML]] = [:]
        for row in mine { groups[row[10] ?? "none", default: []].append(TaskList.item(row, page, showDeal: true)) }
        let others = try await page.rows(
            """
            select t.id, t.title, t.status, to_char(t.due_at at time zone \(tz), 'YYYY-MM-DD HH24:MI'), t.due_at < now(), u.name, t.proof, t.required,
                   t.deal_id, d.title
            from crm.tasks t left join crm.users u on u.id = t.assignee_id left join crm.deals d on d.id = t.deal_id
            where t.owner_id = \(me) and t.assignee_id <> \(me) and t.status = 'open'
            order by t.due_at nulls last, t.id limit 200
            """)
        let otherItems = others.map { TaskList.item($0, page, showDeal: true) }
        let users = PostgresRowsLike(try await page.rows("select id, name from crm.users where active order by name"))
        let userOptions = users.items.map { item -> HTML in
            "<option value=\"\(item.0)\"\(HTML.when(item.0 == me, " selected"))>\(item.1)</option>"
        }
        func group(_ key: String, _ title: TextKey) -> HTML {
            let items = groups[key] ?? []
            return """
                <section class="card task-group group-\(key)" id="tasks-\(key)"><h2>\(t[title]) <span class="count">\(items.count)</span></h2>
                \(HTML.items(items, empty: t[.noTasks]))</section>
                """
        }
        let body: HTML = """
            <h1>\(t[.myTasks])</h1>
            <details class="quick card" id="new-task">
              <summary class="button primary" id="new-task-button">\(Icons.plus) \(t[.newTask])</summary>
              <form class="form" data-api="/api/v1/tasks" data-method="POST" id="task-form">
                <label>\(t[.taskTitle])<input name="title" data-type="string" required maxlength="300" id="task-title"></label>
                <div class="row">
                  <label>\(t[.assignee])<select name="assignee_id" data-type="number" id="task-assignee">\(userOptions)</select></label>
                  <label>\(t[.dueAt])<input type="datetime-local" name="due_at" data-type="local-time" id="task-due"></label>
                </div>
                <label class="check"><input type="checkbox" name="reminder_at" data-type="reminder"> \(t[.remindAtDue])</label>
                <label>\(t[.description])<textarea name="description" data-type="string" maxlength="10000"></textarea></label>
                <div class="actions"><button type="submit" class="primary" id="task-save">\(t[.save])</button></div>
              </form>
            </details>
            <div class="grid two">
              \(group("overdue", .overdueTasks))
              \(group("today", .todayTasks))
              \(group("upcoming", .upcomingTasks))
              \(group("none", .noDueTasks))
              <section class="card" id="tasks-others"><h2>\(t[.tasksForOthers]) <span class="count">\(otherItems.count)</span></h2>
                \(HTML.items(otherItems, empty: t[.noTasks]))</section>
            </div>
            """
        return .page(title: t[.myTasks], section: .tasks, body: body)
    }
}

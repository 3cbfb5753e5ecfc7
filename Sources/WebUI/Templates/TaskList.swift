/// One task as a list item: title, deal, assignee, due time (overdue in red), and a
/// «complete» button that PATCHes the task through the API (a missing proof is the API's 409).
enum TaskList {
    /// `row`: id, title, status, due (local text), overdue, assignee name, proof, required[, deal id, deal title].
    static func item(_ row: PostgresRowView, _ page: PageContext, showDeal: Bool) -> HTML {
        let t = page.texts
        let id = row[0] ?? ""
        let open = row[2] == "open"
        let overdue = open && row[4] == "t"
        let proof: HTML =
            row[6] == "interaction"
            ? "<span class=\"pill\">\(t[.proofInteraction])</span>"
            : row[6] == "approval" ? "<span class=\"pill\">\(t[.proofApproval])</span>" : .empty
        let deal: HTML = showDeal ? (row[8].map { dealID in " · <a href=\"/deals/\(dealID)\">\(row[9] ?? "")</a>" } ?? .empty) : .empty
        let complete: HTML =
            open
            ? "<button type=\"button\" class=\"small\" data-action=\"api\" data-method=\"PATCH\" data-url=\"/api/v1/tasks/\(id)\" data-body=\"{&quot;status&quot;:&quot;done&quot;}\" data-done=\"\(t[.taskCompleted])\">\(Icons.check) \(t[.complete])</button>"
            : "<span class=\"pill done\">\(t[.taskDone])</span>"
        return """
            <li class="task\(open ? "" : " closed")\(overdue ? " overdue" : "")" data-task-id="\(id)">
              <div class="task-main"><strong>\(row[1] ?? "")</strong>\(deal) \(proof)\(HTML.when(row[7] == "t", " <span class=\"pill\">\(t[.required])</span>"))
                <div class="muted">\(Icons.person) \(row[5] ?? "—") · \(Icons.clock) <time>\(page.format.time(row[3]))</time>\(overdue ? " · " + t[.overdue] : "")</div></div>
              \(complete)
            </li>
            """
    }
}

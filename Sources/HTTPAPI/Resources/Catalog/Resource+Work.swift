extension Resource {
    /// Interactions: calls, e-mails, meetings, messages on a client (and a deal).
    static let interactions = Resource(
        path: "interactions", table: "crm.interactions", singular: "interaction",
        fields: [
            .id,
            ResourceField(
                "client_id", .reference(table: "crm.clients"), filter: .equality,
                summary: "the client; taken from the deal when only the deal is given"),
            ResourceField("deal_id", .reference(table: "crm.deals"), filter: .equality),
            ResourceField("contact_id", .reference(table: "crm.contacts"), filter: .equality),
            ResourceField(
                "kind", .choice(["call", "email", "meeting", "message"]), required: true, nullable: false,
                filter: .equality),
            ResourceField("direction", .choice(["inbound", "outbound"]), nullable: false, filter: .equality),
            ResourceField("occurred_at", .timestamp, nullable: false, filter: .range, sortable: true),
            ResourceField("duration_seconds", .integer(0...86_400)),
            ResourceField("summary", .text(maxLength: 10_000), nullable: false),
            ResourceField("owner_id", .reference(table: "crm.users"), access: .readOnly, nullable: false, filter: .equality),
            .ruleColumn("department_id", "crm.departments"), .ruleColumn("territory_id", "crm.territories"),
        ] + ResourceField.trailer,
        searchText: "t.summary", defaultSort: "-occurred_at",
        rules: [RequireOneOf(fields: ["client_id", "deal_id"])],
        summary: "Interactions: calls, e-mails, meetings and messages on a client and optionally a deal")

    /// Tasks and reminders; due times are shown in the assignee's time zone as well.
    static let tasks = Resource(
        path: "tasks", table: "crm.tasks", singular: "task",
        fields: [
            .id,
            ResourceField("title", .text(maxLength: 300), required: true, nullable: false),
            ResourceField("description", .text(maxLength: 10_000), nullable: false),
            ResourceField("assignee_id", .reference(table: "crm.users"), nullable: false, filter: .equality),
            ResourceField("due_at", .timestamp, filter: .range, sortable: true),
            ResourceField("time_zone", .timeZone, nullable: false, summary: "the assignee's time zone by default"),
            ResourceField(
                "due_local", .text(maxLength: 40), access: .readOnly,
                expression: "to_char(t.due_at at time zone t.time_zone, 'YYYY-MM-DD\"T\"HH24:MI:SS')",
                summary: "the due time on the assignee's clock"),
            ResourceField("reminder_at", .timestamp, filter: .range),
            ResourceField("status", .choice(["open", "done", "cancelled"]), nullable: false, filter: .equality),
            ResourceField("completed_at", .timestamp, access: .readOnly, filter: .range),
            ResourceField("deal_id", .reference(table: "crm.deals"), filter: .equality),
            ResourceField("client_id", .reference(table: "crm.clients"), filter: .equality),
            ResourceField("owner_id", .reference(table: "crm.users"), access: .readOnly, nullable: false, filter: .equality),
            .ruleColumn("department_id", "crm.departments"), .ruleColumn("territory_id", "crm.territories"),
            ResourceField(
                "stage_id", .reference(table: "crm.stages"), access: .readOnly, filter: .equality,
                summary: "the deal stage whose rules set the task"),
            ResourceField("template_id", .reference(table: "crm.stage_task_templates"), access: .readOnly),
            ResourceField("required", .boolean, access: .readOnly, nullable: false, summary: "the stage waits for it"),
            ResourceField(
                "proof", .choice(["none", "interaction", "approval"]), access: .readOnly, nullable: false,
                summary: "what completing it needs: an interaction since it was set, or an approval answer"),
        ] + ResourceField.trailer,
        searchText: "t.title || ' ' || t.description",
        summary: "Tasks: work for a person with a due time in their time zone and a reminder")
}

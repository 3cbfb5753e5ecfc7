extension Resource {
    private static func catalog(
        _ path: String, _ table: String, _ singular: String, _ fields: [ResourceField], sort: String = "id",
        rules: [any ResourceRule] = [], summary: String
    ) -> Resource {
        Resource(
            path: path, table: table, singular: singular, fields: [.id] + fields + ResourceField.trailer, defaultSort: sort,
            rules: rules, summary: summary + " (read by everyone, written by administrators)")
    }

    static let sources = catalog(
        "sources", "crm.sources", "source",
        [
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
            ResourceField("kind", .choice(["channel", "event", "referral", "other"]), nullable: false, filter: .equality),
            ResourceField("active", .boolean, nullable: false, filter: .equality),
        ], summary: "Sources: where clients come from")

    static let lossReasons = catalog(
        "loss-reasons", "crm.loss_reasons", "loss reason",
        [
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
            ResourceField("active", .boolean, nullable: false, filter: .equality),
        ], summary: "Loss reasons")

    static let marketingEvents = catalog(
        "marketing-events", "crm.marketing_events", "marketing event",
        [
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
            ResourceField("source_id", .reference(table: "crm.sources"), filter: .equality),
            ResourceField("starts_on", .date, required: true, nullable: false, filter: .range, sortable: true),
            ResourceField("ends_on", .date, required: true, nullable: false, filter: .range),
            ResourceField("budget", .money, nullable: false),
            ResourceField("currency", .currency, nullable: false),
            ResourceField("active", .boolean, nullable: false, filter: .equality),
        ], summary: "Marketing events: name, period and budget (source effectiveness report)")

    /// The weights of the manager rating: one row per metric (fixed), administrators change the weights.
    static let kpiWeights = Resource(
        path: "kpi-weights", table: "crm.kpi_weights", singular: "KPI weight",
        fields: [
            .id,
            ResourceField(
                "metric",
                .choice([
                    "won_deals", "revenue", "conversion", "average_deal", "overdue_tasks",
                    "interactions_per_week",
                ]), access: .readOnly, nullable: false, filter: .equality),
            ResourceField("weight", .money, required: true, nullable: false),
        ] + ResourceField.trailer,
        defaultSort: "id", operations: [.list, .read, .update],
        summary: "Weights of the manager rating, reports/manager_kpi (read by everyone, written by administrators)")

    static let productCategories = catalog(
        "product-categories", "crm.product_categories", "product category",
        [
            ResourceField("parent_id", .reference(table: "crm.product_categories"), filter: .equality),
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
        ], summary: "Product categories (a tree)")

    /// Pipelines; `GET /api/v1/pipelines` (the list with stages) is served by `PipelinesController`.
    static let pipelines = Resource(
        path: "pipelines", table: "crm.pipelines", singular: "pipeline",
        fields: [
            .id,
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false),
            ResourceField("kind", .choice(["sales", "purchase", "custom"]), nullable: false),
            ResourceField("is_default", .boolean, nullable: false),
            ResourceField("active", .boolean, nullable: false),
        ] + ResourceField.trailer,
        operations: [.read, .create, .update, .delete],
        summary: "Pipelines (read by everyone, written by administrators)")

    static let stages = catalog(
        "stages", "crm.stages", "stage",
        [
            ResourceField(
                "pipeline_id", .reference(table: "crm.pipelines"), access: .createOnly, required: true, nullable: false,
                filter: .equality),
            ResourceField("code", .code, required: true, nullable: false),
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false),
            ResourceField("position", .integer(1...1000), required: true, nullable: false, sortable: true),
            ResourceField("kind", .choice(["open", "won", "lost"]), nullable: false, filter: .equality),
            ResourceField("skippable", .boolean, nullable: false),
            ResourceField("probability", .integer(0...100)),
            ResourceField(
                "auto_advance", .boolean, nullable: false,
                summary: "move on by itself when the exit conditions are met"),
            ResourceField("remind_after", .duration, summary: "remind the responsible after this long in the stage"),
        ], sort: "position", summary: "Stages of a pipeline, in order of position")

    static let dealKinds = catalog(
        "deal-kinds", "crm.deal_kinds", "deal kind",
        [
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
            ResourceField(
                "pipeline_id", .reference(table: "crm.pipelines"), filter: .equality,
                summary: "the process the kind follows; null: no stages"),
        ], summary: "Deal kinds")

    static let customFields = catalog(
        "custom-fields", "crm.custom_fields", "custom field",
        [
            ResourceField(
                "pipeline_id", .reference(table: "crm.pipelines"), access: .createOnly, required: true, nullable: false,
                filter: .equality),
            ResourceField("key", .code, required: true, nullable: false),
            ResourceField("label", .text(maxLength: 200), required: true, nullable: false),
            ResourceField(
                "type", .choice(["text", "number", "money", "date", "boolean", "enum", "file"]), required: true,
                nullable: false),
            ResourceField("required", .boolean, nullable: false),
            ResourceField("default_value", .anyJSON),
            ResourceField("options", .list(.text(maxLength: 200), maxItems: 200), nullable: false, summary: "the values of an enum"),
            ResourceField("position", .integer(1...1000), nullable: false, sortable: true),
        ], sort: "position", summary: "Custom field definitions per pipeline")

    /// Saved filters: each user's named list queries.
    static let savedFilters = Resource(
        path: "saved-filters", table: "crm.saved_filters", singular: "saved filter",
        fields: [
            .id,
            ResourceField("user_id", .reference(table: "crm.users"), access: .readOnly, nullable: false),
            ResourceField(
                "resource", .text(maxLength: 40), access: .createOnly, required: true, nullable: false,
                filter: .equality, summary: "the list it filters, e.g. deals"),
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
            ResourceField(
                "query", .text(maxLength: 2000), required: true, nullable: false,
                summary: "the list's query string, e.g. stage_id=3&amount.gte=100000"),
        ] + ResourceField.trailer,
        rules: [SavedFilterQuery()],
        summary: "Saved filters: named list queries of the signed-in user; apply with ?saved_filter=ID")

    /// Files: metadata (upload and download by `FilesController`).
    static let files = Resource(
        path: "files", table: "crm.files", singular: "file",
        fields: [
            .id,
            ResourceField("name", .text(maxLength: 255), required: true, nullable: false, sortable: true),
            ResourceField("content_type", .text(maxLength: 255), access: .readOnly, nullable: false),
            ResourceField("size_bytes", .integer(0...Int64.max), access: .readOnly, nullable: false),
            ResourceField("sha256", .text(maxLength: 64), access: .readOnly, expression: "encode(t.sha256, 'hex')"),
            ResourceField(
                "storage", .choice(["database", "folder"]), access: .readOnly,
                expression: "case when t.content is null then 'folder' else 'database' end"),
            ResourceField("client_id", .reference(table: "crm.clients"), access: .readOnly, filter: .equality),
            ResourceField("deal_id", .reference(table: "crm.deals"), access: .readOnly, filter: .equality),
            ResourceField("owner_id", .reference(table: "crm.users"), access: .readOnly, nullable: false, filter: .equality),
            .ruleColumn("department_id", "crm.departments"), .ruleColumn("territory_id", "crm.territories"),
        ] + ResourceField.trailer,
        operations: [.list, .read, .update, .delete],
        summary: "Files attached to clients and deals (upload: POST /api/v1/files with the raw content)")

    static let stageTaskTemplates = catalog(
        "stage-task-templates", "crm.stage_task_templates", "task template",
        [
            ResourceField(
                "stage_id", .reference(table: "crm.stages"), access: .createOnly, required: true, nullable: false,
                filter: .equality),
            ResourceField("title", .text(maxLength: 300), required: true, nullable: false),
            ResourceField("description", .text(maxLength: 10_000), nullable: false),
            ResourceField("assignee_rule", .choice(["responsible", "owner", "user", "role", "role_in_department"]), nullable: false),
            ResourceField("assignee_user_id", .reference(table: "crm.users")),
            ResourceField("assignee_role_id", .reference(table: "crm.roles")),
            ResourceField("due_after", .duration, nullable: false),
            ResourceField("remind_after", .duration),
            ResourceField("required", .boolean, nullable: false),
            ResourceField(
                "proof", .choice(["none", "interaction"]), nullable: false,
                summary: "interaction: done only after an interaction with the client since the task was set"),
            ResourceField("position", .integer(1...1000), nullable: false, sortable: true),
        ], sort: "position",
        rules: [
            RequiredWhen(field: "assignee_user_id", condition: "assignee_rule", values: ["user"]),
            RequiredWhen(field: "assignee_role_id", condition: "assignee_rule", values: ["role", "role_in_department"]),
        ], summary: "Tasks created when a deal enters a stage")

    static let stageExitConditions = catalog(
        "stage-exit-conditions", "crm.stage_exit_conditions", "exit condition",
        [
            ResourceField(
                "stage_id", .reference(table: "crm.stages"), access: .createOnly, required: true, nullable: false,
                filter: .equality),
            ResourceField(
                "kind", .choice(["required_tasks_done", "interaction", "fields_filled", "invoice_paid", "approvals_done"]),
                required: true, nullable: false),
            ResourceField(
                "fields", .list(.text(maxLength: 60), maxItems: 50), nullable: false,
                summary: "fields_filled: deal fields or custom field keys"),
        ], summary: "What must hold before a deal leaves a stage forward")

    static let stageTransitions = catalog(
        "stage-transitions", "crm.stage_transitions", "stage transition",
        [
            ResourceField(
                "from_stage_id", .reference(table: "crm.stages"), access: .createOnly, required: true, nullable: false,
                filter: .equality),
            ResourceField("to_stage_id", .reference(table: "crm.stages"), access: .createOnly, required: true, nullable: false),
            ResourceField("label", .text(maxLength: 200), nullable: false),
        ], rules: [DifferentFields(first: "from_stage_id", second: "to_stage_id")],
        summary: "Branches: the stages a deal may go on to from a stage (a choice)")

    static let approvalSteps = catalog(
        "approval-steps", "crm.approval_steps", "approval step",
        [
            ResourceField(
                "stage_id", .reference(table: "crm.stages"), access: .createOnly, required: true, nullable: false,
                filter: .equality),
            ResourceField("position", .integer(1...1000), nullable: false, sortable: true),
            ResourceField("title", .text(maxLength: 300), required: true, nullable: false),
            ResourceField("approver_rule", .choice(["user", "role", "role_in_department"]), required: true, nullable: false),
            ResourceField("approver_user_id", .reference(table: "crm.users")),
            ResourceField("approver_role_id", .reference(table: "crm.roles")),
            ResourceField("reject_stage_id", .reference(table: "crm.stages"), summary: "where a reject sends the deal back"),
            ResourceField("due_after", .duration, nullable: false),
        ], sort: "position",
        rules: [
            RequiredWhen(field: "approver_user_id", condition: "approver_rule", values: ["user"]),
            RequiredWhen(field: "approver_role_id", condition: "approver_rule", values: ["role", "role_in_department"]),
        ], summary: "The approval chain of a stage, step by step")

    /// Every resource served by `ResourceController`.
    public static let all: [Resource] = [
        .clients, .contacts, .counterparties, .products, .deals, .dealLines, .dealStageHistory, .interactions, .tasks,
        .invoices, .payments, .sources, .lossReasons, .marketingEvents, .kpiWeights, .productCategories, .pipelines, .stages, .dealKinds,
        .customFields,
        .savedFilters, .files, .stageTaskTemplates, .stageExitConditions, .stageTransitions, .approvalSteps, .approvals,
        .notifications, .integrations, .webhookSubscriptions, .users,
        .companyProfile, .documentTemplates, .documentTemplateVersions, .documents, .emails,
    ]
}

extension Resource {
    /// Deals: a sale, or a purchase offer in a purchase pipeline.
    static let deals = Resource(
        path: "deals", table: "crm.deals", singular: "deal",
        fields: [
            .id,
            ResourceField("title", .text(maxLength: 300), required: true, nullable: false, sortable: true),
            ResourceField("pipeline_id", .reference(table: "crm.pipelines"), nullable: false, filter: .equality),
            ResourceField(
                "stage_id", .reference(table: "crm.stages"), nullable: false, filter: .equality,
                summary: "moves only to the next stage unless the stages between are skippable"),
            ResourceField("kind_id", .reference(table: "crm.deal_kinds"), filter: .equality),
            ResourceField("client_id", .reference(table: "crm.clients"), filter: .equality),
            ResourceField("counterparty_id", .reference(table: "crm.counterparties"), filter: .equality),
            ResourceField(
                "amount", .money, nullable: false, filter: .range, sortable: true,
                summary: "exact; the sum of the deal's product lines when it has lines"),
            ResourceField("currency", .currency, nullable: false, filter: .equality),
            ResourceField("probability", .integer(0...100), filter: .range),
            ResourceField("source_id", .reference(table: "crm.sources"), filter: .equality),
            ResourceField(
                "marketing_event_id", .reference(table: "crm.marketing_events"), filter: .equality,
                summary: "the marketing event the deal came from"),
            ResourceField("utm_source", .text(maxLength: 200), filter: .equality),
            ResourceField("utm_medium", .text(maxLength: 200), filter: .equality),
            ResourceField("utm_campaign", .text(maxLength: 200), filter: .equality),
            .owner, .responsible, .department, .territory,
            ResourceField("expected_close_date", .date, filter: .range, sortable: true),
            ResourceField(
                "custom_fields", .object, nullable: false,
                summary: "values of the pipeline's custom fields, by key"),
            ResourceField(
                "loss_reason_id", .reference(table: "crm.loss_reasons"), filter: .equality,
                summary: "required when the deal is lost"),
            ResourceField("loss_comment", .text(maxLength: 2000), nullable: false),
            ResourceField("stage_entered_at", .timestamp, access: .readOnly, nullable: false, filter: .range),
            ResourceField("closed_at", .timestamp, access: .readOnly, filter: .range),
        ] + ResourceField.trailer,
        searchText: "t.title", similarName: "t.title",
        rules: [DealCustomFields()],
        summary: "Deals: pipeline, stage, amount (exact), client and counterparty, custom fields")

    /// Product lines of a deal (rule columns follow the deal).
    static let dealLines = Resource(
        path: "deal-lines", table: "crm.deal_lines", singular: "deal line",
        fields: [
            .id,
            ResourceField(
                "deal_id", .reference(table: "crm.deals"), access: .createOnly, required: true, nullable: false,
                filter: .equality),
            ResourceField("product_id", .reference(table: "crm.products"), required: true, nullable: false, filter: .equality),
            ResourceField("quantity", .quantity, required: true, nullable: false),
            ResourceField("price", .money, nullable: false, summary: "the product's price when not given"),
            ResourceField("amount", .money, access: .readOnly, nullable: false, summary: "quantity × price, rounded to kopecks"),
            ResourceField("cost_price", .money, nullable: false, summary: "unit cost; default: the product's cost price"),
            ResourceField(
                "cost_amount", .money, access: .readOnly, nullable: false,
                summary: "quantity × cost price, rounded to kopecks"),
            .ruleColumn("owner_id", "crm.users"), .ruleColumn("department_id", "crm.departments"),
            .ruleColumn("territory_id", "crm.territories"),
        ] + ResourceField.trailer,
        defaultSort: "id", rules: [LineAmountInRange(), LineStock()],
        summary: "Deal lines: products of interest with quantity and price")

    /// Approval steps of deals (answer: POST /api/v1/approvals/{id}/answer).
    static let approvals = Resource(
        path: "approvals", table: "crm.approvals", singular: "approval",
        fields: [
            .id,
            ResourceField("deal_id", .reference(table: "crm.deals"), access: .readOnly, nullable: false, filter: .equality),
            ResourceField("stage_id", .reference(table: "crm.stages"), access: .readOnly, nullable: false, filter: .equality),
            ResourceField("position", .integer(1...1000), access: .readOnly, nullable: false),
            ResourceField("title", .text(maxLength: 300), access: .readOnly, nullable: false),
            ResourceField("approver_id", .reference(table: "crm.users"), access: .readOnly, filter: .equality),
            ResourceField(
                "status", .choice(["waiting", "pending", "approved", "rejected", "cancelled"]), access: .readOnly,
                nullable: false, filter: .equality),
            ResourceField("comment", .text(maxLength: 4000), access: .readOnly, nullable: false),
            ResourceField("task_id", .reference(table: "crm.tasks"), access: .readOnly),
            ResourceField("answered_at", .timestamp, access: .readOnly),
            ResourceField("answered_by", .reference(table: "crm.users"), access: .readOnly),
            ResourceField("reject_stage_id", .reference(table: "crm.stages"), access: .readOnly),
        ] + ResourceField.trailer,
        defaultSort: "id", operations: [.list, .read],
        summary: "Approvals of deals: one per step of a stage's chain, answered approve or reject with a comment")

    /// The stage history of deals, written by the database.
    static let dealStageHistory = Resource(
        path: "deal-stage-history", table: "crm.deal_stage_history", singular: "stage history entry",
        fields: [
            .id,
            ResourceField("deal_id", .reference(table: "crm.deals"), access: .readOnly, nullable: false, filter: .equality),
            ResourceField("stage_id", .reference(table: "crm.stages"), access: .readOnly, nullable: false, filter: .equality),
            ResourceField("entered_at", .timestamp, access: .readOnly, nullable: false, filter: .range, sortable: true),
            ResourceField("left_at", .timestamp, access: .readOnly, filter: .range),
            ResourceField("moved_by", .reference(table: "crm.users"), access: .readOnly, filter: .equality),
            ResourceField(
                "by_automation", .boolean, access: .readOnly, nullable: false, filter: .equality,
                summary: "moved by the stage rules on behalf of moved_by"),
        ],
        defaultSort: "entered_at", operations: [.list, .read],
        summary: "Stage history: when a deal entered and left each stage, and who moved it")
}

extension Resource {
    private static func catalog(_ path: String, _ table: String, _ singular: String, _ fields: [ResourceField], sort: String = "id",
                                summary: String) -> Resource {
        Resource(path: path, table: table, singular: singular, fields: [.id] + fields + ResourceField.trailer, defaultSort: sort,
                 summary: summary + " (read by everyone, written by administrators)")
    }

    static let sources = catalog("sources", "crm.sources", "source", [
        ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
        ResourceField("kind", .choice(["channel", "event", "referral", "other"]), nullable: false, filter: .equality),
        ResourceField("active", .boolean, nullable: false, filter: .equality),
    ], summary: "Sources: where clients come from")

    static let lossReasons = catalog("loss-reasons", "crm.loss_reasons", "loss reason", [
        ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
        ResourceField("active", .boolean, nullable: false, filter: .equality),
    ], summary: "Loss reasons")

    static let productCategories = catalog("product-categories", "crm.product_categories", "product category", [
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

    static let stages = catalog("stages", "crm.stages", "stage", [
        ResourceField("pipeline_id", .reference(table: "crm.pipelines"), access: .createOnly, required: true, nullable: false,
                      filter: .equality),
        ResourceField("code", .code, required: true, nullable: false),
        ResourceField("name", .text(maxLength: 200), required: true, nullable: false),
        ResourceField("position", .integer(1...1000), required: true, nullable: false, sortable: true),
        ResourceField("kind", .choice(["open", "won", "lost"]), nullable: false, filter: .equality),
        ResourceField("skippable", .boolean, nullable: false),
        ResourceField("probability", .integer(0...100)),
    ], sort: "position", summary: "Stages of a pipeline, in order of position")

    static let dealKinds = catalog("deal-kinds", "crm.deal_kinds", "deal kind", [
        ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
        ResourceField("pipeline_id", .reference(table: "crm.pipelines"), filter: .equality,
                      summary: "the process the kind follows; null: no stages"),
    ], summary: "Deal kinds")

    static let customFields = catalog("custom-fields", "crm.custom_fields", "custom field", [
        ResourceField("pipeline_id", .reference(table: "crm.pipelines"), access: .createOnly, required: true, nullable: false,
                      filter: .equality),
        ResourceField("key", .code, required: true, nullable: false),
        ResourceField("label", .text(maxLength: 200), required: true, nullable: false),
        ResourceField("type", .choice(["text", "number", "money", "date", "boolean", "enum", "file"]), required: true,
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
            ResourceField("resource", .text(maxLength: 40), access: .createOnly, required: true, nullable: false,
                          filter: .equality, summary: "the list it filters, e.g. deals"),
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
            ResourceField("query", .text(maxLength: 2000), required: true, nullable: false,
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
            ResourceField("storage", .choice(["database", "folder"]), access: .readOnly,
                          expression: "case when t.content is null then 'folder' else 'database' end"),
            ResourceField("client_id", .reference(table: "crm.clients"), access: .readOnly, filter: .equality),
            ResourceField("deal_id", .reference(table: "crm.deals"), access: .readOnly, filter: .equality),
            ResourceField("owner_id", .reference(table: "crm.users"), access: .readOnly, nullable: false, filter: .equality),
            .ruleColumn("department_id", "crm.departments"), .ruleColumn("territory_id", "crm.territories"),
        ] + ResourceField.trailer,
        operations: [.list, .read, .update, .delete],
        summary: "Files attached to clients and deals (upload: POST /api/v1/files with the raw content)")

    /// Every resource served by `ResourceController`.
    public static let all: [Resource] = [
        .clients, .contacts, .counterparties, .products, .deals, .dealLines, .dealStageHistory, .interactions, .tasks,
        .invoices, .payments, .sources, .lossReasons, .productCategories, .pipelines, .stages, .dealKinds, .customFields,
        .savedFilters, .files, .integrations, .webhookSubscriptions,
    ]
}

extension Resource {
    /// Integrations that post leads and calls (`/api/v1/inbound/...`). Created by
    /// `POST /api/v1/integrations` (`SecretRowCreator`: the token is shown once, only its SHA-256
    /// is stored); listed, read and changed (e.g. `{"active": false}`) here. Administrators only.
    static let integrations = Resource(
        path: "integrations", table: "crm.integrations", singular: "integration",
        fields: [
            .id,
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
            ResourceField(
                "kind", .choice(["web_form", "phone_system"]), access: .createOnly, required: true, nullable: false,
                filter: .equality, summary: "web_form posts leads, phone_system posts calls"),
            ResourceField(
                "responsible_id", .reference(table: "crm.users"), required: true, nullable: false, filter: .equality,
                summary: "who gets the task when the caller is not a client with a responsible user"),
            ResourceField("source_id", .reference(table: "crm.sources"), filter: .equality, summary: "the source of its deals"),
            ResourceField("active", .boolean, nullable: false, filter: .equality, summary: "false: its token is refused"),
            ResourceField("created_by", .reference(table: "crm.users"), access: .readOnly),
        ] + ResourceField.trailer,
        defaultSort: "id",
        operations: [.list, .read, .update],
        summary: "Inbound integrations: web forms and phone systems (administrators; create: POST returns the token once)")

    /// Outbound webhook subscriptions: events of the listed kinds (`*`: all) are POSTed to `url`,
    /// signed with the secret (`X-CRM-Signature: sha256=<hex HMAC-SHA256 of the body>`). Created
    /// by `POST /api/v1/webhook-subscriptions` (the secret, given or generated, is shown once).
    static let webhookSubscriptions = Resource(
        path: "webhook-subscriptions", table: "crm.webhook_subscriptions", singular: "webhook subscription",
        fields: [
            .id,
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
            ResourceField("url", .text(maxLength: 2000), required: true, nullable: false, summary: "http:// or https://"),
            ResourceField(
                "event_kinds", .list(.text(maxLength: 40), maxItems: 50), required: true, nullable: false,
                summary: "event kinds such as lead_arrived, call_missed; * for all"),
            ResourceField("active", .boolean, nullable: false, filter: .equality),
            ResourceField("created_by", .reference(table: "crm.users"), access: .readOnly),
        ] + ResourceField.trailer,
        defaultSort: "id",
        operations: [.list, .read, .update, .delete],
        summary: "Outbound webhook subscriptions (administrators; create: POST returns the secret once)")
}

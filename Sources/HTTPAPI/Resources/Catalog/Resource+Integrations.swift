extension Resource {
    /// Integrations that post leads and calls (`/api/v1/inbound/...`). Created by
    /// `POST /api/v1/integrations` (`SecretRowCreator`: the token is shown once, only its SHA-256
    /// is stored); listed, read and changed (e.g. `{"active": false}`) here. Administrators only.
    static let integrations = Resource(
        path: "integrations", table: "crm.integrations", singular: "integration",
        fields: [
            .id,
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
            ResourceField("kind", .choice(["web_form", "phone_system"]), access: .createOnly, required: true, nullable: false,
                          filter: .equality, summary: "web_form posts leads, phone_system posts calls"),
            ResourceField("responsible_id", .reference(table: "crm.users"), required: true, nullable: false, filter: .equality,
                          summary: "who gets the task when the caller is not a client with a responsible user"),
            ResourceField("source_id", .reference(table: "crm.sources"), filter: .equality, summary: "the source of its deals"),
            ResourceField("active", .boolean, nullable: false, filter: .equality, summary: "false: its token is refused"),
            ResourceField("created_by", .reference(table: "crm.users"), access: .readOnly),
        ] + ResourceField.trailer,
        defaultSort: "id",
        operations: [.list, .read, .update],
        summary: "Inbound integrations: web forms and phone systems (administrators; create: POST returns the token once)")
}

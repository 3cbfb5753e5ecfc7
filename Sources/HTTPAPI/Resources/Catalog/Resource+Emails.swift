extension Resource {
    /// Letters sent from a client card or a deal (`POST /api/v1/clients/{id}/emails`,
    /// `POST /api/v1/deals/{id}/emails`): read only here; the status is the sender's
    /// (queued, sent, failed with the reason). Under the rules of interactions, and only for
    /// who may see the client and the deal (sql/401).
    static let emails = Resource(
        path: "emails", table: "crm.emails", singular: "email",
        fields: [
            .id,
            ResourceField(
                "interaction_id", .reference(table: "crm.interactions"), access: .readOnly, nullable: false,
                filter: .equality, summary: "the interaction of kind email in the client's history"),
            ResourceField("client_id", .reference(table: "crm.clients"), access: .readOnly, nullable: false, filter: .equality),
            ResourceField("deal_id", .reference(table: "crm.deals"), access: .readOnly, filter: .equality),
            ResourceField("subject", .text(maxLength: 300), access: .readOnly, nullable: false),
            ResourceField("body", .text(maxLength: 100_000), access: .readOnly, nullable: false),
            ResourceField("sender", .email, access: .readOnly, nullable: false, summary: "the From address (configured)"),
            ResourceField("recipients", .list(.email, maxItems: 50), access: .readOnly, nullable: false),
            ResourceField(
                "contact_ids", .list(.reference(table: "crm.contacts"), maxItems: 50), access: .readOnly, nullable: false,
                summary: "the contacts the recipients are of"),
            ResourceField("document_ids", .list(.reference(table: "crm.documents"), maxItems: 20), access: .readOnly, nullable: false),
            ResourceField(
                "attachment_file_ids", .list(.reference(table: "crm.files"), maxItems: 20), access: .readOnly,
                nullable: false, summary: "the files attached (the documents' PDFs)"),
            ResourceField("message_id", .text(maxLength: 300), access: .readOnly, nullable: false),
            ResourceField(
                "status", .choice(["queued", "sent", "failed"]), access: .readOnly, nullable: false, filter: .equality,
                summary: "queued (waiting or retrying), sent, or failed (see last_error)"),
            ResourceField("attempts", .integer(0...Int64(Int32.max)), access: .readOnly, nullable: false),
            ResourceField(
                "next_attempt_at", .timestamp, access: .readOnly, nullable: false,
                summary: "when a queued letter is tried (again)"),
            ResourceField(
                "last_error", .text(maxLength: 2000), access: .readOnly,
                summary: "why the last attempt failed (the SMTP server's answer)"),
            ResourceField("smtp_reply", .text(maxLength: 2000), access: .readOnly, summary: "the SMTP server's answer to the message"),
            ResourceField("sent_at", .timestamp, access: .readOnly, filter: .range, sortable: true),
            ResourceField("owner_id", .reference(table: "crm.users"), access: .readOnly, nullable: false, filter: .equality),
            .ruleColumn("department_id", "crm.departments"), .ruleColumn("territory_id", "crm.territories"),
        ] + ResourceField.trailer,
        searchText: "t.subject || ' ' || t.body", defaultSort: "-created_at",
        operations: [.list, .read],
        summary: "E-mail sent from a client card or a deal, with its delivery status (read only)")
}

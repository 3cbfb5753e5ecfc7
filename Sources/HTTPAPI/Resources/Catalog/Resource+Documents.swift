import Documents

extension Resource {
    /// The company's own details printed on documents: one row (id 1), read by everyone,
    /// changed by administrators; the logo is `PUT /api/v1/company-profile/logo`.
    static let companyProfile = Resource(
        path: "company-profile", table: "crm.company_profile", singular: "company profile",
        fields: [
            .id,
            ResourceField("legal_name", .text(maxLength: 500), nullable: false, summary: "the full legal name, e.g. ООО «Ромашка»"),
            ResourceField("inn", .taxpayerNumber, summary: "ИНН, check digits verified"),
            ResourceField("kpp", .registrationReasonCode, summary: "КПП (companies)"),
            ResourceField("ogrn", .stateRegistrationNumber, summary: "ОГРН / ОГРНИП"),
            ResourceField("address", .text(maxLength: 500), nullable: false),
            ResourceField("phone", .text(maxLength: 100), nullable: false),
            ResourceField("email", .text(maxLength: 200), nullable: false),
            ResourceField("bank_name", .text(maxLength: 300), nullable: false),
            ResourceField("bik", .digits(9), summary: "БИК: 9 digits"),
            ResourceField("account", .digits(20), summary: "settlement account: 20 digits, matching the БИК"),
            ResourceField("correspondent_account", .digits(20), summary: "correspondent account: 20 digits"),
            ResourceField("director_title", .text(maxLength: 200), nullable: false, summary: "e.g. Генеральный директор"),
            ResourceField("director_name", .text(maxLength: 200), nullable: false, summary: "signs documents: e.g. Сидоров И. П."),
            ResourceField("accountant_name", .text(maxLength: 200), nullable: false, summary: "the chief accountant, signs invoices"),
            ResourceField(
                "vat_rate", .choice(VATRate.codes), nullable: false,
                summary: "the default VAT of documents, included in prices; none: «Без НДС»"),
            ResourceField("has_logo", .boolean, access: .readOnly, nullable: false),
        ] + ResourceField.trailer,
        defaultSort: "id", operations: [.list, .read, .update], rules: [CompanyProfileDetails()],
        summary:
            "The company's own details for documents: legal name, ИНН/КПП, bank, signatures (read by everyone, written by administrators)")

    /// Document templates: HTML with fields, checked against the field catalogue on save; each
    /// new body is a new version (`body_version`), kept for the documents made from it.
    static let documentTemplates = Resource(
        path: "document-templates", table: "crm.document_templates", singular: "document template",
        fields: [
            .id,
            ResourceField(
                "kind", .choice(DocumentKind.allCases.map(\.rawValue)), access: .createOnly, required: true, nullable: false,
                filter: .equality),
            ResourceField("name", .text(maxLength: 200), required: true, nullable: false, sortable: true),
            ResourceField(
                "body", .text(maxLength: 200_000), required: true, nullable: false,
                summary: "HTML with {{ field }}, {{ field | filter }}, {{#each lines}}…{{/each}}, {{#if field}}…{{else}}…{{/if}}"),
            ResourceField(
                "body_version", .integer(1...Int64.max), access: .readOnly, nullable: false,
                summary: "the version of the body: each saved change is a new one"),
            ResourceField("active", .boolean, nullable: false, filter: .equality),
        ] + ResourceField.trailer,
        defaultSort: "id", rules: [TemplateBody()],
        summary: "Document templates per kind, versioned (read by everyone, written by administrators)")

    /// Every body a template has had, as documents were made from it (read only).
    static let documentTemplateVersions = Resource(
        path: "document-template-versions", table: "crm.document_template_versions", singular: "template version",
        fields: [
            .id,
            ResourceField(
                "template_id", .reference(table: "crm.document_templates"), access: .readOnly, nullable: false,
                filter: .equality),
            ResourceField(
                "body_version", .integer(1...Int64.max), access: .readOnly, nullable: false, filter: .equality,
                sortable: true),
            ResourceField("kind", .choice(DocumentKind.allCases.map(\.rawValue)), access: .readOnly, nullable: false),
            ResourceField("body", .text(maxLength: 200_000), access: .readOnly, nullable: false),
            ResourceField("created_by", .reference(table: "crm.users"), access: .readOnly),
            .createdAt,
        ],
        defaultSort: "id", operations: [.list, .read],
        summary: "The versions of document templates (read only)")

    /// Documents made from deals (`POST /api/v1/deals/{id}/documents`): number, date, totals,
    /// and their HTML and PDF files. Read only; under the deal's rules.
    static let documents = Resource(
        path: "documents", table: "crm.documents", singular: "document",
        fields: [
            .id,
            ResourceField("deal_id", .reference(table: "crm.deals"), access: .readOnly, nullable: false, filter: .equality),
            ResourceField("client_id", .reference(table: "crm.clients"), access: .readOnly, filter: .equality),
            ResourceField("counterparty_id", .reference(table: "crm.counterparties"), access: .readOnly, filter: .equality),
            ResourceField(
                "template_id", .reference(table: "crm.document_templates"), access: .readOnly, nullable: false,
                filter: .equality),
            ResourceField(
                "template_version", .integer(1...Int64.max), access: .readOnly, nullable: false,
                summary: "the body_version of the template it was made from"),
            ResourceField("kind", .choice(DocumentKind.allCases.map(\.rawValue)), access: .readOnly, nullable: false, filter: .equality),
            ResourceField(
                "number", .integer(1...Int64.max), access: .readOnly, nullable: false, filter: .equality,
                summary: "from the sequence of its kind and year: no gaps, no duplicates"),
            ResourceField("year", .integer(1...9999), access: .readOnly, nullable: false, filter: .equality),
            ResourceField("issued_on", .date, access: .readOnly, nullable: false, filter: .range, sortable: true),
            ResourceField(
                "title", .text(maxLength: 300), access: .readOnly, nullable: false,
                summary: "e.g. Счёт на оплату № 15 от 2 декабря 2026 г."),
            ResourceField("total", .money, access: .readOnly, nullable: false),
            ResourceField("vat_rate", .choice(VATRate.codes), access: .readOnly, nullable: false),
            ResourceField("vat_amount", .money, access: .readOnly, nullable: false),
            ResourceField("currency", .currency, access: .readOnly, nullable: false),
            ResourceField("html_file_id", .reference(table: "crm.files"), access: .readOnly, nullable: false),
            ResourceField("pdf_file_id", .reference(table: "crm.files"), access: .readOnly, nullable: false),
            ResourceField("created_by", .reference(table: "crm.users"), access: .readOnly, nullable: false, filter: .equality),
            .ruleColumn("owner_id", "crm.users"), .ruleColumn("responsible_id", "crm.users"),
            .ruleColumn("department_id", "crm.departments"), .ruleColumn("territory_id", "crm.territories"),
        ] + ResourceField.trailer,
        operations: [.list, .read],
        summary: "Documents made from deals with a template: number, date, totals, the HTML and PDF files")
}

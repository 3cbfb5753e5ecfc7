extension Resource {
    /// Clients (партнёры): the business partner as a whole.
    static let clients = Resource(
        path: "clients", table: "crm.clients", singular: "client",
        fields: [
            .id,
            ResourceField("name", .text(maxLength: 500), required: true, nullable: false, filter: .equality, sortable: true),
            ResourceField("kind", .choice(["customer", "supplier", "both"]), nullable: false, filter: .equality),
            .owner, .responsible, .department, .territory,
            ResourceField("source_id", .reference(table: "crm.sources"), filter: .equality),
            ResourceField("is_private", .boolean, nullable: false, filter: .equality),
            ResourceField("notes", .text(maxLength: 10_000), nullable: false),
        ] + ResourceField.trailer,
        searchText: "t.name || ' ' || t.notes", similarName: "t.name",
        rules: [SimilarClientNames()],
        summary: "Clients: the business partners as a whole; analytics roll up per client")

    /// Contacts: people at a client. Rule columns follow the client.
    static let contacts = Resource(
        path: "contacts", table: "crm.contacts", singular: "contact",
        fields: [
            .id,
            ResourceField(
                "client_id", .reference(table: "crm.clients"), access: .createOnly, required: true, nullable: false,
                filter: .equality),
            ResourceField("name", .text(maxLength: 300), required: true, nullable: false, sortable: true),
            ResourceField("position", .text(maxLength: 200), nullable: false),
            ResourceField("phones", .list(.phone, maxItems: 10), nullable: false),
            ResourceField("emails", .list(.email, maxItems: 10), nullable: false),
            ResourceField("notes", .text(maxLength: 10_000), nullable: false),
            .ruleColumn("owner_id", "crm.users"), .ruleColumn("responsible_id", "crm.users"),
            .ruleColumn("department_id", "crm.departments"), .ruleColumn("territory_id", "crm.territories"),
            ResourceField("is_private", .boolean, access: .readOnly, nullable: false),
        ] + ResourceField.trailer,
        similarName: "t.name",
        summary: "Contacts: people at a client (their visibility follows the client)")

    /// Counterparties (контрагенты): the legal entities a client trades through, over time.
    static let counterparties = Resource(
        path: "counterparties", table: "crm.counterparties", singular: "counterparty",
        fields: [
            .id,
            ResourceField(
                "client_id", .reference(table: "crm.clients"), access: .createOnly, required: true, nullable: false,
                filter: .equality),
            ResourceField("legal_name", .text(maxLength: 500), required: true, nullable: false, sortable: true),
            ResourceField(
                "inn", .taxpayerNumber, required: true, nullable: false, filter: .equality,
                summary: "ИНН: 10 digits (company) or 12 (entrepreneur), check digits verified"),
            ResourceField("kpp", .registrationReasonCode, filter: .equality, summary: "КПП: 9 characters, companies only"),
            ResourceField(
                "ogrn", .stateRegistrationNumber, filter: .equality,
                summary: "ОГРН (13 digits) or ОГРНИП (15 digits), check digit verified"),
            ResourceField("address", .text(maxLength: 1000), nullable: false),
            ResourceField("bank_name", .text(maxLength: 300), nullable: false),
            ResourceField("bik", .digits(9), summary: "БИК: 9 digits"),
            ResourceField("account", .digits(20), summary: "settlement account: 20 digits"),
            ResourceField("correspondent_account", .digits(20), summary: "correspondent account: 20 digits"),
            ResourceField("valid_from", .date, nullable: false, filter: .range),
            ResourceField("valid_to", .date, filter: .range),
            .ruleColumn("owner_id", "crm.users"), .ruleColumn("responsible_id", "crm.users"),
            .ruleColumn("department_id", "crm.departments"), .ruleColumn("territory_id", "crm.territories"),
            ResourceField("is_private", .boolean, access: .readOnly, nullable: false),
        ] + ResourceField.trailer,
        similarName: "t.legal_name",
        rules: [CounterpartyIdentifiers(), DuplicateCounterparty(), OverlappingCounterparty()],
        summary: "Counterparties: legal entities (ИНН/КПП/ОГРН) of a client, valid from/to")
}

extension Resource {
    /// Invoices per deal and counterparty; paid_amount and status follow the payments.
    static let invoices = Resource(
        path: "invoices", table: "crm.invoices", singular: "invoice",
        fields: [
            .id,
            ResourceField(
                "deal_id", .reference(table: "crm.deals"), access: .createOnly, required: true, nullable: false,
                filter: .equality),
            ResourceField(
                "counterparty_id", .reference(table: "crm.counterparties"), required: true, nullable: false,
                filter: .equality, summary: "a legal entity of the deal's client"),
            ResourceField("number", .text(maxLength: 50), required: true, nullable: false, filter: .equality),
            ResourceField("issued_on", .date, nullable: false, filter: .range, sortable: true),
            ResourceField("due_on", .date, filter: .range),
            ResourceField("amount", .money, required: true, nullable: false, filter: .range),
            ResourceField("currency", .currency, access: .readOnly, nullable: false, summary: "the deal's currency"),
            ResourceField("paid_amount", .money, access: .readOnly, nullable: false),
            ResourceField(
                "overpaid_amount", .money, access: .readOnly, nullable: false,
                summary: "paid beyond the amount (status overpaid); refused instead when the company's overpayment setting is refuse"),
            ResourceField("cancelled", .boolean, nullable: false),
            ResourceField(
                "status", .choice(["unpaid", "partially_paid", "paid", "overpaid", "cancelled"]), access: .readOnly,
                nullable: false, filter: .equality),
            .ruleColumn("owner_id", "crm.users"), .ruleColumn("department_id", "crm.departments"),
            .ruleColumn("territory_id", "crm.territories"),
        ] + ResourceField.trailer,
        rules: [PositiveAmount()],
        summary: "Invoices: per deal and counterparty; a deal is won only when none is unpaid")

    /// Payments of an invoice.
    static let payments = Resource(
        path: "payments", table: "crm.payments", singular: "payment",
        fields: [
            .id,
            ResourceField(
                "invoice_id", .reference(table: "crm.invoices"), access: .createOnly, required: true, nullable: false,
                filter: .equality),
            ResourceField("amount", .money, required: true, nullable: false),
            ResourceField("paid_on", .date, nullable: false, filter: .range, sortable: true),
            ResourceField("reference", .text(maxLength: 200), nullable: false),
            .ruleColumn("owner_id", "crm.users"), .ruleColumn("department_id", "crm.departments"),
            .ruleColumn("territory_id", "crm.territories"),
        ] + ResourceField.trailer,
        rules: [PositiveAmount()],
        summary: "Payments of invoices")
}

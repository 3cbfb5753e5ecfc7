extension Resource {
    /// Products (номенклатура), fed by 1C later.
    static let products = Resource(
        path: "products", table: "crm.products", singular: "product",
        fields: [
            .id,
            ResourceField("category_id", .reference(table: "crm.product_categories"), filter: .equality),
            ResourceField("name", .text(maxLength: 500), required: true, nullable: false, sortable: true),
            ResourceField("article", .text(maxLength: 100), filter: .equality),
            ResourceField("unit", .text(maxLength: 20), nullable: false),
            ResourceField("price", .money, nullable: false, filter: .range, sortable: true),
            ResourceField("currency", .currency, nullable: false),
            ResourceField("cost_price", .money, nullable: false, summary: "the cost of one unit (gross profit reports)"),
            ResourceField("stock", .decimal, nullable: false, filter: .range),
            ResourceField("active", .boolean, nullable: false, filter: .equality),
            ResourceField("external_id", .text(maxLength: 100), filter: .equality, summary: "the id in 1C"),
        ] + ResourceField.trailer,
        searchText: "t.name", similarName: "t.name", defaultSort: "name",
        summary: "Products: goods and services with category, unit, article, price and stock")
}

extension Resource {
    /// The company's users as colleagues see them (read only; managed in the admin console):
    /// names for the ids in owner_id, responsible_id, assignee_id, approver_id; department,
    /// territories, time zone, whether active. No login secrets.
    static let users = Resource(
        path: "users", table: "crm.users", singular: "user",
        fields: [
            .id,
            ResourceField("login", .text(maxLength: 63), access: .readOnly, nullable: false, filter: .equality, sortable: true),
            ResourceField("name", .text(maxLength: 200), access: .readOnly, nullable: false, sortable: true),
            ResourceField("email", .email, access: .readOnly),
            ResourceField("phone", .phone, access: .readOnly),
            ResourceField("department_id", .reference(table: "crm.departments"), access: .readOnly, filter: .equality),
            ResourceField(
                "department", .text(maxLength: 200), access: .readOnly,
                expression: "(select d.name from crm.departments d where d.id = t.department_id)"),
            ResourceField(
                "territory_ids", .list(.integer(1...Int64.max), maxItems: 1000), access: .readOnly, nullable: false,
                expression:
                    "(select coalesce(array_agg(ut.territory_id order by ut.territory_id), '{}') from crm.user_territories ut where ut.user_id = t.id)",
                summary: "the ids of the user's territories"),
            ResourceField("time_zone", .timeZone, access: .readOnly, nullable: false),
            ResourceField("active", .boolean, access: .readOnly, nullable: false, filter: .equality),
            .createdAt,
        ],
        searchText: "t.name || ' ' || t.login", similarName: "t.name",
        defaultSort: "name", operations: [.list, .read],
        summary: "Users: the names behind the people ids (read only; the admin console manages them)")
}

/// Valid example bodies of the resources' create and update, for the OpenAPI document (the
/// contract test sends them, with real ids put into the references).
enum ResourceExamples {
    /// Optional members worth showing (and needed for a meaningful create) beyond the required ones.
    static let extra: [String: [String: JSONValue]] = [
        "clients": ["name": .string("ООО «Ромашка»"), "kind": .string("customer")],
        "counterparties": ["legal_name": .string("ООО «Ромашка»"), "kpp": .string("773601001")],
        "deals": ["client_id": .integer(1), "amount": .string("150000.00"), "currency": .string("RUB")],
        "deal-lines": ["quantity": .string("2.5"), "price": .string("1200.00")],
        "interactions": ["client_id": .integer(1), "summary": .string("Обсудили поставку муки")],
        "tasks": ["title": .string("Позвонить клиенту"), "due_at": .string("2026-12-01T10:00:00+03:00")],
        "invoices": ["number": .string("СЧ-1"), "amount": .string("10000.00"), "issued_on": .string("2026-11-23")],
        "payments": ["amount": .string("2500.00"), "paid_on": .string("2026-11-24")],
        "saved-filters": ["resource": .string("deals"), "name": .string("Крупные сделки"), "query": .string("amount.gte=100000")],
        "custom-fields": ["type": .string("text"), "key": .string("region")],
        "approval-steps": ["approver_rule": .string("user"), "approver_user_id": .integer(1)],
        "stage-task-templates": ["assignee_rule": .string("responsible"), "due_after": .string("2 days")],
        "stages": ["auto_advance": .bool(false)],
        "document-templates": [
            "kind": .string("letter"), "name": .string("Письмо о поставке"),
            "body": .string("<p>{{ client.name }}: {{ deal.title }}, {{ document.total | sign }}</p>"),
        ],
        "webhook-subscriptions": ["url": .string("https://hooks.example.ru/crm"), "event_kinds": .array([.string("lead_arrived")])],
    ]

    /// The required members (examples by type) and the extras.
    static func create(_ resource: Resource) -> JSONValue {
        var values: [String: JSONValue] = [:]
        for field in resource.fields where field.access != .readOnly && field.required {
            values[field.name] = field.type.example(field.name)
        }
        values.merge(extra[resource.path] ?? [:]) { _, new in new }
        return .object(values)
    }

    /// One simple writable member: the first text, choice, number or flag the update may change.
    static func update(_ resource: Resource) -> JSONValue {
        let field = resource.fields.first { field in
            guard field.access == .writable else { return false }
            switch field.type {
            case .reference, .object, .anyJSON, .list: return false
            default: return true
            }
        }
        guard let field else { return .object([:]) }
        let value = extra[resource.path]?[field.name] ?? field.type.example(field.name)
        return .object([field.name: value])
    }
}

import PostgresClient

/// The filters of the board and the deal list, from the query string: mine, my department,
/// responsible, source, amount range, creation date range, search. Values are checked here
/// and bound as parameters; the SQL text is fixed.
struct DealFilter: Sendable {
    var mine = false
    var department = false
    var responsibleID: Int64?
    var sourceID: Int64?
    var amountFrom: String?
    var amountTo: String?
    var createdFrom: String?
    var createdTo: String?
    var search: String?
    /// Only the deal list takes it (the board's "all N in the list" of a column).
    var stageID: Int64?

    /// Whether the funnel summary can count the filtered deals: it has the responsible and the
    /// department as key columns, not the source, amount, dates or words.
    var summarisable: Bool {
        sourceID == nil && amountFrom == nil && amountTo == nil && createdFrom == nil && createdTo == nil && search == nil
            && stageID == nil
    }

    init(_ page: PageContext) {
        mine = page.parameter("mine") == "1"
        department = page.parameter("department") == "1"
        responsibleID = page.int64("responsible")
        sourceID = page.int64("source")
        amountFrom = Self.money(page.parameter("amount_from"))
        amountTo = Self.money(page.parameter("amount_to"))
        createdFrom = Self.date(page.parameter("created_from"))
        createdTo = Self.date(page.parameter("created_to"))
        search = page.parameter("q").map { String($0.prefix(200)) }
        stageID = page.int64("stage")
    }

    /// The query string of these filters (for links that keep them).
    var query: [(String, String)] {
        var items: [(String, String)] = []
        if mine { items.append(("mine", "1")) }
        if department { items.append(("department", "1")) }
        if let responsibleID { items.append(("responsible", String(responsibleID))) }
        if let sourceID { items.append(("source", String(sourceID))) }
        if let amountFrom { items.append(("amount_from", amountFrom)) }
        if let amountTo { items.append(("amount_to", amountTo)) }
        if let createdFrom { items.append(("created_from", createdFrom)) }
        if let createdTo { items.append(("created_to", createdTo)) }
        if let search { items.append(("q", search)) }
        if let stageID { items.append(("stage", String(stageID))) }
        return items
    }

    /// `and …` conditions on deals `d` with their bindings, numbered from `$first`.
    func conditions(userID: Int64, first: Int) -> (sql: String, bindings: [PostgresBinding]) {
        var n = first
        var sql = ""
        var bindings: [PostgresBinding] = []
        func add(_ condition: (String) -> String, _ binding: PostgresBinding) {
            sql += " and " + condition("$\(n)")
            bindings.append(binding)
            n += 1
        }
        if mine { add({ "d.responsible_id = \($0)" }, .init(userID)) }
        if department {
            add({ "d.department_id = (select u.department_id from crm.users u where u.id = \($0))" }, .init(userID))
        }
        if let responsibleID { add({ "d.responsible_id = \($0)" }, .init(responsibleID)) }
        if let sourceID { add({ "d.source_id = \($0)" }, .init(sourceID)) }
        if let stageID { add({ "d.stage_id = \($0)" }, .init(stageID)) }
        if let amountFrom { add({ "d.amount >= \($0)::numeric" }, .init(amountFrom)) }
        if let amountTo { add({ "d.amount <= \($0)::numeric" }, .init(amountTo)) }
        if let createdFrom { add({ "d.created_at >= \($0)::date" }, .init(createdFrom)) }
        if let createdTo { add({ "d.created_at < \($0)::date + 1" }, .init(createdTo)) }
        if let search {
            add(
                { "(to_tsvector('russian', d.title) @@ plainto_tsquery('russian', \($0)) or d.title ilike '%' || \($0) || '%')" },
                .init(search))
        }
        return (sql, bindings)
    }

    static func money(_ text: String?) -> String? {
        guard let text else { return nil }
        let normalized = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{00A0}", with: "")
            .replacingOccurrences(of: ",", with: ".")
        guard normalized.wholeMatch(of: /[0-9]{1,15}(\.[0-9]{1,2})?/) != nil else { return nil }
        return normalized
    }

    static func date(_ text: String?) -> String? {
        guard let text, text.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil else { return nil }
        return text
    }
}

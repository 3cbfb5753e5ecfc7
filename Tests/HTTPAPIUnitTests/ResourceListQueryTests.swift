import Testing

@testable import HTTPAPI

/// `ResourceListQuery`: what a list's query string becomes (filters, sort, keyset, limit) and
/// what it refuses, without running the SQL (the parser fuzz in CRMServerTests runs it).
@Suite("List queries")
struct ResourceListQueryTests {
    func query(_ parameters: [(String, String)], _ resource: Resource = .deals) -> ResourceListQuery {
        ResourceListQuery(resource: resource, parameters: parameters.map { (key: $0.0, value: $0.1) })
    }

    @Test("no parameters: the default sort, the default limit, one more row to tell a next page, no count")
    func defaults() {
        let list = query([])
        #expect(list.problems.isEmpty)
        #expect(list.sortKey == "-created_at" && list.limit == ResourceListQuery.defaultLimit && !list.wantsCount)
        let page = list.pageQuery()
        #expect(page.sql.contains("from crm.deals t order by"), "\(page.sql)")
        #expect(page.sql.hasSuffix("limit $1"), "\(page.sql)")
        #expect(page.builder.bindings.map(\.text) == ["\(ResourceListQuery.defaultLimit + 1)"])
    }

    @Test("filters and ranges become bound conditions, never spliced values")
    func filters() {
        let list = query([("amount.gte", "100"), ("currency", "RUB"), ("sort", "amount"), ("limit", "10"), ("count", "true")])
        #expect(list.problems.isEmpty, "\(list.problems)")
        #expect(list.sortKey == "amount" && list.limit == 10 && list.wantsCount)
        #expect(list.whereClause.hasPrefix(" where "), "\(list.whereClause)")
        let page = list.pageQuery()
        #expect(!page.sql.contains("100") && !page.sql.contains("RUB"), "\(page.sql)")
        #expect(page.builder.bindings.compactMap(\.text).contains("RUB"))
        #expect(list.countQuery().sql.hasPrefix("select count(*) from crm.deals t where "))
    }

    @Test("unknown filters, bad values, sorts and limits are refused, each named")
    func refusals() {
        let list = query([("colour", "red"), ("amount.around", "5"), ("sort", "-custom_fields"), ("limit", "501"), ("count", "yes")])
        let fields = Set(list.problems.map(\.field))
        #expect(fields == ["colour", "amount.around", "sort", "limit", "count"], "\(list.problems)")
        #expect(query([("limit", "0")]).problems.map(\.field) == ["limit"])
        #expect(query([("sort", "title"), ("sort", "amount")]).problems.first?.message == "given more than once")
    }

    @Test("a cursor of the same sort adds the keyset condition; another sort's or a forged one is refused")
    func cursors() {
        let cursor = ListCursor(sort: "-amount", value: "1500.50", id: 42)
        let list = query([("sort", "-amount"), ("cursor", cursor.token)])
        #expect(list.problems.isEmpty, "\(list.problems)")
        #expect(list.whereClause.contains(", t.id) < ($1::"), "\(list.whereClause)")
        #expect(list.pageQuery().builder.bindings.map(\.text).prefix(2) == ["1500.50", "42"])
        #expect(
            query([("sort", "amount"), ("cursor", cursor.token)]).problems.map(\.message)
                == ["not a cursor of this list and sort; start again without it"])
        #expect(query([("cursor", "garbage")]).problems.map(\.field) == ["cursor"])
        #expect(
            query([("similar", "Ромашка"), ("cursor", cursor.token)]).problems.map(\.message)
                == ["similarity results come in one page (use limit)"])
    }

    @Test("the export statement declares a cursor over every matching row, without a limit")
    func export() {
        let export = query([("currency", "RUB")]).exportQuery(cursor: "export_rows")
        #expect(export.sql.hasPrefix("declare export_rows no scroll cursor for select "))
        #expect(!export.sql.contains("limit"))
    }
}

import Testing

@testable import HTTPAPI

/// `SavedFilters`: `saved_filter=ID` read once, a stored query under the request's own
/// parameters, and what a filter being saved may hold. (Reading the stored row needs the
/// database: ListAPITests.)
@Suite("Saved filters")
struct SavedFiltersTests {
    @Test("saved_filter is one positive id or a 422 before any database work")
    func requestedID() throws {
        #expect(try SavedFilters.requestedID([(key: "amount.gte", value: "1")]) == nil)
        #expect(try SavedFilters.requestedID([(key: "saved_filter", value: "12")]) == 12)
        for bad in [[("saved_filter", "0")], [("saved_filter", "x")], [("saved_filter", "1"), ("saved_filter", "2")]] {
            #expect(throws: APIError.validation([.init(field: "saved_filter", message: "must be the id of one of your saved filters")])) {
                try SavedFilters.requestedID(bad.map { (key: $0.0, value: $0.1) })
            }
        }
    }

    @Test("the request's parameters win over the stored ones; saved_filter itself is dropped")
    func merge() {
        let merged = SavedFilters.merge(
            stored: SavedFilters.parameters(of: "currency=RUB&sort=-amount&stage_id=3"),
            under: [(key: "saved_filter", value: "5"), (key: "sort", value: "title")])
        #expect(merged.map { "\($0.key)=\($0.value)" } == ["currency=RUB", "stage_id=3", "sort=title"])
    }

    @Test("a filter is saved for a list, with a query that list accepts, never a cursor or another saved filter")
    func problems() {
        #expect(SavedFilters.problems(path: "deals", query: "currency=RUB&sort=-amount").isEmpty)
        #expect(SavedFilters.problems(path: "deals", query: nil).isEmpty)
        #expect(SavedFilters.problems(path: "nothing", query: "a=b").map(\.field) == ["resource"])
        #expect(SavedFilters.problems(path: "deals", query: "cursor=abc").map(\.message) == ["cannot contain saved_filter or cursor"])
        let wrong = SavedFilters.problems(path: "deals", query: "colour=red")
        #expect(wrong.map(\.field) == ["query"] && wrong[0].message.hasPrefix("colour: unknown filter"), "\(wrong)")
    }
}

import Credentials
import Testing

@testable import HTTPAPI

/// `ListCursor`: the one type that makes `next_cursor` and reads `cursor`.
@Suite("List cursor")
struct ListCursorTests {
    let amount = Resource.deals.field("amount")!
    let created = Resource.deals.field("created_at")!
    let title = Resource.deals.field("title")!
    let closeDate = Resource.deals.field("expected_close_date")!

    @Test("a cursor reads back as it was made, for the same sort only")
    func roundTrip() {
        let cursor = ListCursor(sort: "-amount", value: "1500.50", id: 42)
        #expect(ListCursor(token: cursor.token, sort: "-amount") == cursor)
        #expect(ListCursor(token: cursor.token, sort: "-amount", field: amount) == cursor)
        #expect(ListCursor(token: cursor.token, sort: "amount") == nil, "another direction is another list")
        #expect(ListCursor(token: cursor.token, sort: "-created_at") == nil)
    }

    @Test("the token is opaque base64url of sort, value and id; a value may hold anything but its own separators")
    func tokenForm() {
        let cursor = ListCursor(sort: "title", value: "ООО «Ромашка» / a+b", id: 7)
        #expect(!cursor.token.contains("+") && !cursor.token.contains("/") && !cursor.token.contains("="))
        #expect(Base64.decodeURL(cursor.token).flatMap { String(validating: $0, as: UTF8.self) } == "title\nООО «Ромашка» / a+b\n7")
        #expect(ListCursor(token: cursor.token, sort: "title", field: title) == cursor)
    }

    @Test("garbage, a missing part, a bad id or a value the sort field cannot hold is no cursor")
    func forgedCursors() {
        func token(_ text: String) -> String { Base64.encodeURL(Array(text.utf8)) }
        #expect(ListCursor(token: "not base64!", sort: "-amount") == nil)
        #expect(ListCursor(token: token("-amount\n15"), sort: "-amount") == nil)
        #expect(ListCursor(token: token("-amount\n15\nx"), sort: "-amount") == nil)
        #expect(ListCursor(token: Base64.encodeURL([0xff, 0xfe]), sort: "-amount") == nil)
        // A forged value must not reach the cast in SQL.
        #expect(ListCursor(token: token("-amount\n1); drop table crm.deals; --\n1"), sort: "-amount", field: amount) == nil)
        #expect(ListCursor(token: token("-created_at\nyesterday\n1"), sort: "-created_at", field: created) == nil)
        #expect(ListCursor(token: token("title\na\u{0}b\n1"), sort: "title", field: title) == nil)
        #expect(ListCursor(token: token("-amount\n-1.5\n1"), sort: "-amount") != nil, "the bare reader checks the form only")
    }

    @Test("a nullable sort's infinity (where NULLs sort) is a sort value; a non-null one's is not")
    func infinity() {
        #expect(ListCursor.isSortValue("infinity", of: closeDate))
        #expect(ListCursor.isSortValue("Infinity", of: closeDate))
        #expect(!ListCursor.isSortValue("infinity", of: amount))
        #expect(ListCursor.isSortValue("2026-12-04", of: closeDate))
        #expect(ListCursor.isSortValue("2026-12-04 10:00:00+03", of: created))
    }

    @Test("the next cursor is made from the last row shown; none without its sort value or id")
    func next() {
        #expect(ListCursor.next(sort: "-amount", lastRow: "10.00", id: "3") == ListCursor(sort: "-amount", value: "10.00", id: 3))
        #expect(ListCursor.next(sort: "-amount", lastRow: nil, id: "3") == nil)
        #expect(ListCursor.next(sort: "-amount", lastRow: "10.00", id: nil) == nil)
        #expect(ListCursor.next(sort: "-amount", lastRow: "10.00", id: "x") == nil)
    }
}

import Credentials

/// The keyset position after the last row of a page: the sort key and its value, and the id.
/// Opaque to clients (base64url of `sort \n value \n id`). This type is the only place a cursor
/// is made (`next(sort:lastRow:)`, for `next_cursor`) and read (`init?(token:sort:field:)`, for
/// the `cursor` parameter); `ResourceListQuery` turns a read cursor into its keyset condition.
struct ListCursor: Equatable {
    /// The sort as written in the list's `sort` parameter (`-created_at`).
    let sort: String
    /// The last row's sort value, as PostgreSQL writes it as text.
    let value: String
    let id: Int64

    var token: String {
        Base64.encodeURL(Array("\(sort)\n\(value)\n\(id)".utf8))
    }

    init(sort: String, value: String, id: Int64) {
        self.sort = sort
        self.value = value
        self.id = id
    }

    /// Reads a cursor made for the same sort; nil when it is not one.
    init?(token: String, sort: String) {
        guard let bytes = Base64.decodeURL(token), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let parts = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == sort, let id = Int64(parts[2]) else { return nil }
        self.init(sort: sort, value: String(parts[1]), id: id)
    }

    /// Reads the `cursor` parameter of a list sorted by `field` (`sort` as written): nil unless it
    /// was made for this sort and its value can be a sort value of `field`.
    init?(token: String, sort: String, field: ResourceField) {
        guard let cursor = ListCursor(token: token, sort: sort), Self.isSortValue(cursor.value, of: field) else { return nil }
        self = cursor
    }

    /// The cursor of the next page: after the last row shown, given its sort value and id as
    /// the page statement returns them (text); nil when either is missing (NULL).
    static func next(sort: String, lastRow value: String?, id: String?) -> ListCursor? {
        guard let value, let id = id.flatMap({ Int64($0) }) else { return nil }
        return ListCursor(sort: sort, value: value, id: id)
    }

    /// Whether a cursor's value can be the sort value of `field` (a forged cursor must not reach
    /// the cast in SQL): what the field's own check accepts, or the `infinity` of a nullable sort.
    static func isSortValue(_ value: String, of field: ResourceField) -> Bool {
        if field.nullable && value.lowercased() == "infinity" { return true }
        if case .text = field.type { return !value.unicodeScalars.contains("\0") }
        if case .success = field.type.parse(text: value, required: false) { return true }
        return false
    }
}

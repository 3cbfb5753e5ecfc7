import Credentials

/// The keyset position after the last row of a page: the sort key and its value, and the id.
/// Opaque to clients (base64url of `sort \n value \n id`).
struct ListCursor: Equatable {
    let sort: String
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
}

import Credentials

/// Which rows of a report one JSON answer holds: after the first `after` rows (in the report's
/// order), at most `size`. The `cursor` parameter carries `after` opaquely (base64url of
/// `report \n after`), made only for the report that answered it; `next_cursor` is nil on the
/// last page. A report is recomputed for every page, so a page reflects the data at its call.
struct ReportPage: Equatable {
    static let defaultSize = 1000
    static let sizes = 1...10_000

    let after: Int64
    let size: Int

    init(after: Int64 = 0, size: Int = Self.defaultSize) {
        self.after = after
        self.size = size
    }

    /// Reads a cursor of `report`; nil when it is not one.
    init?(cursor: String, report: String, size: Int) {
        guard let bytes = Base64.decodeURL(cursor), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == report, let after = Int64(parts[1]), after > 0 else { return nil }
        self.init(after: after, size: size)
    }

    /// The cursor of the page after this one.
    func nextCursor(report: String) -> String {
        Base64.encodeURL(Array("\(report)\n\(after + Int64(size))".utf8))
    }
}

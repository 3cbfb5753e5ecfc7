import Foundation
import Hummingbird

/// A posted `application/x-www-form-urlencoded` form (at most 64 KiB).
struct FormBody: Sendable {
    let fields: [String: String]

    static func read(_ request: Request) async throws -> FormBody {
        let buffer = try await request.body.collect(upTo: 64 << 10)
        return FormBody(parsing: String(buffer: buffer))
    }

    init(parsing text: String) {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        self.fields = fields
    }

    subscript(_ name: String) -> String? { fields[name] }
}

import Foundation
import Hummingbird

/// Reads typed query parameters, collecting every bad one so a single 422 can name them all.
struct QueryParameters {
    let request: Request
    private(set) var problems: [APIError.FieldError] = []

    init(_ request: Request) {
        self.request = request
    }

    mutating func int64(_ name: String) -> Int64? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Int64(text) else {
            problems.append(.init(field: name, message: "'\(text.prefix(40))' is not a whole number"))
            return nil
        }
        return value
    }

    mutating func date(_ name: String) -> Date? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let value = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text) else {
            problems.append(.init(field: name, message: "'\(text.prefix(40))' is not an ISO 8601 time such as 2026-11-23T10:00:00Z"))
            return nil
        }
        return value
    }

    mutating func string(_ name: String, allowed: Set<String>? = nil, maxLength: Int = 200) -> String? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        if text.count > maxLength {
            problems.append(.init(field: name, message: "longer than \(maxLength) characters"))
            return nil
        }
        if let allowed, !allowed.contains(text) {
            problems.append(.init(field: name, message: "must be one of \(allowed.sorted().joined(separator: ", "))"))
            return nil
        }
        return text
    }

    /// Throws the collected problems as one validation error.
    func validate() throws {
        if !problems.isEmpty { throw APIError.validation(problems) }
    }
}

/// The one JSON error format used by every endpoint:
/// `{"error": {"status": 404, "code": "not_found", "reason": "...", "message": "...", "request_id": "...", "fields": [...]}}`:
/// `code` the class of the error, `reason` the stable code of its message, `message` in the caller's language.
public struct ErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var status: Int
        public var code: String
        /// The stable code of this particular refusal (`stage_skip`, `won_with_unpaid`), when known.
        public var reason: String?
        public var message: String
        public var requestID: String
        public var fields: [APIError.FieldError]?
        /// The row a duplicate would repeat (409 `duplicate`), when the caller may see it.
        public var existing: JSONValue?

        enum CodingKeys: String, CodingKey {
            case status, code, reason, message, fields, existing
            case requestID = "request_id"
        }
    }

    public var error: Detail
}

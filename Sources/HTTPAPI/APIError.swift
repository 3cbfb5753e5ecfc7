import Hummingbird

/// The errors the API answers with. Each maps once to an HTTP status and a stable code in
/// `APIError+Response.swift`; anything else becomes a 500 that leaks nothing.
public enum APIError: Error, Sendable, Equatable {
    /// A field-by-field validation failure (422).
    case validation([FieldError])
    case badRequest(String)
    case unauthorized(String)
    case forbidden(String)
    case notFound(String)
    case methodNotAllowed
    case conflict(String)
    /// A row that exists already (409 `duplicate`), with that row when the caller may see it.
    case duplicate(String, existing: JSONValue?)
    case preconditionFailed(String)
    case payloadTooLarge(String)
    case tooManyRequests(String)
    /// The database has no free connection right now (503).
    case databaseBusy
    /// The database cannot be reached (503).
    case databaseUnavailable
    /// A helper program the server needs is missing or failed (503): `code` names which
    /// (`converter_missing`, `conversion_failed`), the message what to do.
    case serviceUnavailable(code: String, message: String)

    /// One wrong field and why. `field` is the JSON key (for programs); `label` what a person
    /// calls the field and `code` the stable code of the message, both filled when answered.
    public struct FieldError: Codable, Sendable, Equatable {
        public var field: String
        public var message: String
        public var label: String?
        public var code: String?
        public init(field: String, message: String, label: String? = nil, code: String? = nil) {
            self.field = field
            self.message = message
            self.label = label
            self.code = code
        }
    }
}

import AccessControl
import Foundation
import Hummingbird

/// Reading the parts of a request every resource endpoint needs, with the API's errors.
enum RequestInput {
    /// The bearer token (no token → 401). Handlers on the authenticated group use
    /// `context.scope` instead (`AuthenticationMiddleware`); this is for code written before it.
    static func token(_ request: Request, _ context: CRMRequestContext) throws -> String {
        guard let token = context.bearerToken(from: request) else { throw AccessError.unauthenticated(reason: "missing_token") }
        return token
    }

    /// The `{id}` path parameter (anything but a positive id is a row that does not exist).
    static func id(_ context: CRMRequestContext, _ resource: Resource) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError.notFound("no such \(resource.singular)")
        }
        return id
    }

    static func notFound(_ resource: Resource, _ id: Int64) -> APIError {
        .notFound("no \(resource.singular) \(id)")
    }

    /// The body's bytes, at most `limit` (413 beyond).
    static func body(_ request: Request, limit: Int) async throws -> [UInt8] {
        let buffer = try await request.body.collect(upTo: limit)
        return Array(buffer.readableBytesView)
    }

    /// The body as JSON (400 naming the byte where it breaks). A NUL character (`\u0000`) in any
    /// string or member name is refused here (422 naming where), since PostgreSQL stores none.
    static func json(_ bytes: [UInt8]) throws -> JSONValue {
        if bytes.isEmpty { throw APIError.badRequest("the request body is empty; send a JSON object") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch let error as JSONSyntaxError {
            throw APIError.badRequest("the request body is \(error)")
        }
        let places = nulPlaces(in: value, at: "")
        if !places.isEmpty {
            throw APIError.validation(places.prefix(20).map { .init(field: $0, message: "contains a NUL character (\\u0000)") })
        }
        return value
    }

    /// The paths (`custom_fields.key`, `phones[2]`) of strings and member names holding a NUL.
    static func nulPlaces(in value: JSONValue, at path: String) -> [String] {
        switch value {
        case .string(let text):
            return text.unicodeScalars.contains("\0") ? [path.isEmpty ? "(body)" : path] : []
        case .array(let items):
            return items.enumerated().flatMap { nulPlaces(in: $0.element, at: "\(path)[\($0.offset)]") }
        case .object(let members):
            return members.sorted { $0.key < $1.key }.flatMap { key, member -> [String] in
                let clean = key.replacingOccurrences(of: "\0", with: "\\u0000")
                let place = path.isEmpty ? clean : "\(path).\(clean)"
                return (key.unicodeScalars.contains("\0") ? [place] : []) + nulPlaces(in: member, at: place)
            }
        default:
            return []
        }
    }

    /// The version of `If-Match: "N"` (also `W/"N"` and a bare `N`); nil without the header
    /// or with `*`.
    static func expectedVersion(_ request: Request) throws -> Int32? {
        guard let header = request.headers[.ifMatch] else { return nil }
        var text = header.trimmingCharacters(in: .whitespaces)
        if text == "*" { return nil }
        if text.hasPrefix("W/") { text.removeFirst(2) }
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let version = Int32(text), version > 0 else {
            throw APIError.badRequest("If-Match must be the ETag of the row, e.g. \"3\"")
        }
        return version
    }
}

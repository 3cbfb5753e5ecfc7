import Foundation

/// A validated inbound event: what is stored (normalised) and under which event id.
/// Validation names every wrong field at once; nothing is stored unless all are right.
struct InboundEvent: Sendable {
    enum Kind: String, Sendable {
        case lead, call
    }

    let kind: Kind
    let eventID: String
    /// The event as stored and processed: the fields given, phone and e-mail normalised.
    let payload: JSONValue

    /// A web-form lead: `event_id`, `name`, `phone`, `email`, `comment`, `source`,
    /// `utm {source, medium, campaign, content, term}`; a phone or an e-mail is required.
    static func lead(_ body: JSONValue) -> Result<InboundEvent, APIError> {
        var reader = FieldReader(body)
        let eventID = reader.eventID()
        let name = reader.text("name", maxLength: 200)
        let phone = reader.phone("phone", required: false)
        let email = reader.email("email")
        let comment = reader.text("comment", maxLength: 5000)
        let source = reader.text("source", maxLength: 200)
        let utm = reader.utm()
        if reader.isAbsent("phone") && reader.isAbsent("email") {
            reader.problem("phone", "a phone or an email is required")
        }
        var payload: [String: JSONValue] = [:]
        payload["event_id"] = eventID.map(JSONValue.string)
        payload["name"] = name.map(JSONValue.string)
        payload["phone"] = phone.map(JSONValue.string)
        payload["email"] = email.map(JSONValue.string)
        payload["comment"] = comment.map(JSONValue.string)
        payload["source"] = source.map(JSONValue.string)
        payload["utm"] = utm.map(JSONValue.object)
        return reader.finish(kind: .lead, eventID: eventID, payload: payload)
    }

    /// A phone-system call: `event_id`, `type` incoming|missed|finished, `number`,
    /// `duration_seconds`, `recording_url`, `occurred_at`, and optionally `direction`
    /// inbound|outbound (inbound by default).
    static func call(_ body: JSONValue) -> Result<InboundEvent, APIError> {
        var reader = FieldReader(body)
        let eventID = reader.eventID()
        let type = reader.choice("type", ["incoming", "missed", "finished"], required: true)
        let number = reader.phone("number", required: true)
        let duration = reader.integer("duration_seconds", 0...86_400)
        let recording = reader.url("recording_url")
        let occurredAt = reader.timestamp("occurred_at")
        let direction = reader.choice("direction", ["inbound", "outbound"], required: false)
        if type == "missed" || type == "incoming", direction == "outbound" {
            reader.problem("direction", "an \(type!) call is inbound")
        }
        var payload: [String: JSONValue] = [:]
        payload["event_id"] = eventID.map(JSONValue.string)
        payload["type"] = type.map(JSONValue.string)
        payload["number"] = number.map(JSONValue.string)
        payload["duration_seconds"] = duration.map { .number(String($0)) }
        payload["recording_url"] = recording.map(JSONValue.string)
        payload["occurred_at"] = occurredAt.map(JSONValue.string)
        payload["direction"] = direction.map(JSONValue.string)
        return reader.finish(kind: .call, eventID: eventID, payload: payload)
    }
}

/// Reads the members of a JSON object, collecting a problem per wrong field.
/// `null` counts as absent; unknown members are ignored (forms send extra fields).
private struct FieldReader {
    let fields: [String: JSONValue]
    var problems: [APIError.FieldError] = []

    init(_ body: JSONValue) {
        if case .object(let fields) = body {
            self.fields = fields
        } else {
            self.fields = [:]
            problems.append(.init(field: "(body)", message: "must be a JSON object"))
        }
    }

    mutating func problem(_ field: String, _ message: String) {
        problems.append(.init(field: field, message: message))
    }

    func isAbsent(_ name: String) -> Bool {
        switch fields[name] {
        case nil, .null?: return true
        case .string(let s)?: return s.trimmingSpaces().isEmpty
        default: return false
        }
    }

    /// A string member, trimmed; nil when absent or blank.
    mutating func string(_ name: String, maxLength: Int, in path: String? = nil, from object: [String: JSONValue]? = nil) -> String? {
        let field = path ?? name
        switch (object ?? fields)[name] {
        case nil, .null?:
            return nil
        case .string(let raw)?:
            let value = raw.trimmingSpaces()
            if value.unicodeScalars.contains("\0") {
                problem(field, "must not contain NUL characters")
                return nil
            }
            if value.count > maxLength {
                problem(field, "longer than \(maxLength) characters")
                return nil
            }
            return value.isEmpty ? nil : value
        case let other?:
            problem(field, "must be a string, not \(other.typeName)")
            return nil
        }
    }

    mutating func text(_ name: String, maxLength: Int) -> String? {
        string(name, maxLength: maxLength)
    }

    /// `event_id`: a string, or a whole number as phone systems often send.
    mutating func eventID() -> String? {
        if case .number(let number)? = fields["event_id"] {
            guard Int64(number) != nil else {
                problem("event_id", "must be a string or a whole number")
                return nil
            }
            return number
        }
        let before = problems.count
        let id = string("event_id", maxLength: 200)
        if id == nil && problems.count == before { problem("event_id", "required") }
        return id
    }

    mutating func phone(_ name: String, required: Bool) -> String? {
        let before = problems.count
        guard let text = string(name, maxLength: 40) else {
            if required && problems.count == before { problem(name, "required") }
            return nil
        }
        guard let phone = PhoneNumber.normalized(text) else {
            problem(name, "not a phone number (e.g. +7 495 123-45-67 or 8 (495) 123-45-67)")
            return nil
        }
        return phone
    }

    mutating func email(_ name: String) -> String? {
        guard let text = string(name, maxLength: 254) else { return nil }
        guard let email = EmailAddress.normalized(text) else {
            problem(name, "not an e-mail address")
            return nil
        }
        return email
    }

    mutating func choice(_ name: String, _ allowed: [String], required: Bool) -> String? {
        let before = problems.count
        guard let value = string(name, maxLength: 40) else {
            if required && problems.count == before { problem(name, "required: one of \(allowed.joined(separator: ", "))") }
            return nil
        }
        guard allowed.contains(value) else {
            problem(name, "must be one of \(allowed.joined(separator: ", "))")
            return nil
        }
        return value
    }

    mutating func integer(_ name: String, _ range: ClosedRange<Int64>) -> Int64? {
        switch fields[name] {
        case nil, .null?:
            return nil
        case .number(let text)?:
            guard let value = Int64(text), range.contains(value) else {
                problem(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return value
        case let other?:
            problem(name, "must be a number, not \(other.typeName)")
            return nil
        }
    }

    mutating func url(_ name: String) -> String? {
        guard let text = string(name, maxLength: 2000) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            problem(name, "must be an http(s) URL")
            return nil
        }
        return text
    }

    /// An ISO 8601 time with a zone, returned in UTC (`2026-11-23T07:00:00.000Z`).
    mutating func timestamp(_ name: String) -> String? {
        guard let text = string(name, maxLength: 40) else { return nil }
        guard let date = Self.parseTime(text) else {
            problem(name, "must be an ISO 8601 time with a zone, e.g. 2026-11-23T10:00:00+03:00")
            return nil
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func parseTime(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    mutating func utm() -> [String: JSONValue]? {
        switch fields["utm"] {
        case nil, .null?:
            return nil
        case .object(let members)?:
            var out: [String: JSONValue] = [:]
            for key in ["source", "medium", "campaign", "content", "term"] {
                if let value = string(key, maxLength: 500, in: "utm.\(key)", from: members) { out[key] = .string(value) }
            }
            return out.isEmpty ? nil : out
        case let other?:
            problem("utm", "must be an object, not \(other.typeName)")
            return nil
        }
    }

    func finish(kind: InboundEvent.Kind, eventID: String?, payload: [String: JSONValue]) -> Result<InboundEvent, APIError> {
        guard problems.isEmpty, let eventID else { return .failure(.validation(problems)) }
        return .success(InboundEvent(kind: kind, eventID: eventID, payload: .object(payload)))
    }
}

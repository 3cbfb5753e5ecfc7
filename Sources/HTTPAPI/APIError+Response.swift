import AccessControl
import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import PostgresClient

extension APIError {
    /// Maps any error thrown by a handler to the API's error: the single place where errors
    /// become HTTP statuses. Unknown errors become `nil` (answered as a 500).
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let apiError as APIError:
            return apiError
        case let file as ImportFileError:
            return .validation([FieldError(field: "file", message: file.description)])
        case let access as AccessError:
            switch access {
            case .invalidCredentials: return .unauthorized(access.description)
            case .unauthenticated: return .unauthorized(access.description)
            case .locked: return .tooManyRequests(access.description)
            case .loginRefused, .forbidden: return .forbidden(access.description)
            case .totpRequired, .totpInvalid: return .unauthorized(access.description)
            case .totpNotStarted: return .conflict(access.description)
            }
        case let httpError as HTTPError:
            switch httpError.status {
            case .notFound: return .notFound(httpError.body ?? "no such resource")
            case .methodNotAllowed: return .methodNotAllowed
            case .contentTooLarge: return .payloadTooLarge(httpError.body ?? "request body too large")
            case .unauthorized: return .unauthorized(httpError.body ?? "authentication required")
            case .forbidden: return .forbidden(httpError.body ?? "forbidden")
            default:
                return httpError.status.code < 500 ? .badRequest(httpError.body ?? httpError.status.reasonPhrase) : nil
            }
        case let postgresError as PostgresError:
            Counter(label: "crm_database_errors_total", dimensions: [("kind", "\(postgresError.kind)")]).increment()
            switch postgresError.kind {
            case .busy: return .databaseBusy
            case .connectionLost: return .databaseUnavailable
            // 42501, also "new row violates row-level security policy": the rules refused the write.
            case .insufficientPrivilege: return .forbidden("not allowed by your role")
            // Handlers validate references first; these remain for races (a row deleted meanwhile).
            case .foreignKeyViolation: return .conflict("a referenced row does not exist (any more)")
            case .uniqueViolation: return .conflict("such a row exists already")
            case .checkViolation:
                return .validation([
                    .init(field: postgresError.column ?? fieldOfConstraint(postgresError), message: "has a value that is not allowed here")
                ])
            case .notNullViolation:
                return .validation([.init(field: postgresError.column ?? "(row)", message: "required")])
            default: return fromRule(postgresError) ?? fromDataException(postgresError)
            }
        case is DecodingError:
            return .badRequest("the request body is not valid JSON for this endpoint")
        case let tooLarge as NIOTooManyBytesError:
            guard let limit = tooLarge.maxBytes else { return .payloadTooLarge("the request body is too large") }
            return .payloadTooLarge("the request body is too large (at most \(limit / 1024) KiB)")
        default:
            return nil
        }
    }

    /// The business rules' own SQLSTATEs (see sql/120_catalogs.sql): CR409 a rule refuses,
    /// CR422 a wrong value (COLUMN names the field, or DETAIL lists several), CR412 stale,
    /// CR403 not yours to do, CR404 nothing the caller may see.
    private static func fromRule(_ error: PostgresError) -> APIError? {
        switch error.sqlState {
        case "CR409": return .conflict(error.message)
        case "CR403": return .forbidden(error.message)
        case "CR404": return .notFound(error.message)
        case "CR412": return .preconditionFailed(error.message)
        case "CR422":
            if let detail = error.detail, case .array(let items)? = try? JSONValue.parse(Array(detail.utf8)) {
                let fields: [FieldError] = items.compactMap {
                    guard case .object(let o) = $0, let f = o["field"]?.stringValue, let m = o["message"]?.stringValue else { return nil }
                    return FieldError(field: f, message: m)
                }
                if !fields.isEmpty { return .validation(fields) }
            }
            return .validation([.init(field: error.column ?? "(row)", message: error.message)])
        default: return nil
        }
    }

    /// The field a check constraint guards, from its name (`files_name_check` → `name`); never
    /// the constraint's own name, which is SQL and means nothing to a user.
    private static func fieldOfConstraint(_ error: PostgresError) -> String {
        guard var name = error.constraint else { return "(row)" }
        // A constraint named for its column (`constraint url check (...)`).
        if !name.hasSuffix("_check") { return name.wholeMatch(of: #/[a-z][a-z0-9_]{0,62}/#) != nil ? name : "(row)" }
        name.removeLast("_check".count)
        if let table = error.table, name.hasPrefix(table + "_") { name.removeFirst(table.count + 1) }
        // An unnamed table-level check is "<table>_check" (or "<table>_checkN"): no one field.
        return name.isEmpty || name == error.table || name.wholeMatch(of: #/[a-z_]+_check[0-9]*/#) != nil ? "(row)" : name
    }

    /// A value PostgreSQL could not take (SQLSTATE class 22: out of range, wrong form, a NUL):
    /// the request's fault, so a 422 naming the column when PostgreSQL names it. Handlers check
    /// values before SQL; this catches what they miss, so that a 500 always means a bug.
    private static func fromDataException(_ error: PostgresError) -> APIError? {
        guard let state = error.sqlState, state.hasPrefix("22") else { return nil }
        let message: String
        switch state {
        case "22003": message = "a number is out of range (at most 16 digits before the decimal point)"
        case "22001": message = "a value is too long"
        case "22007", "22008": message = "a date or time is not valid or out of range"
        case "22009": message = "a time zone offset is out of range (at most ±15:59)"
        case "22P02": message = "a value has the wrong form for its type"
        case "22P05", "22021": message = "text contains a character that cannot be stored (NUL)"
        case "22012": message = "a division by zero"
        default: message = "a value is not valid"
        }
        return .validation([.init(field: error.column ?? "(request)", message: message)])
    }

    var status: HTTPResponse.Status {
        switch self {
        case .validation: return .unprocessableContent
        case .badRequest: return .badRequest
        case .unauthorized: return .unauthorized
        case .forbidden: return .forbidden
        case .notFound: return .notFound
        case .methodNotAllowed: return .methodNotAllowed
        case .conflict, .duplicate: return .conflict
        case .preconditionFailed: return .preconditionFailed
        case .payloadTooLarge: return .contentTooLarge
        case .tooManyRequests: return .tooManyRequests
        case .databaseBusy, .databaseUnavailable, .serviceUnavailable: return .serviceUnavailable
        }
    }

    var code: String {
        switch self {
        case .validation: return "validation_failed"
        case .badRequest: return "bad_request"
        case .unauthorized: return "unauthorized"
        case .forbidden: return "forbidden"
        case .notFound: return "not_found"
        case .methodNotAllowed: return "method_not_allowed"
        case .conflict: return "conflict"
        case .duplicate: return "duplicate"
        case .preconditionFailed: return "precondition_failed"
        case .payloadTooLarge: return "payload_too_large"
        case .tooManyRequests: return "too_many_requests"
        case .databaseBusy: return "database_busy"
        case .databaseUnavailable: return "database_unavailable"
        case .serviceUnavailable(let code, _): return code
        }
    }

    var message: String {
        switch self {
        case .validation(let fields): return "invalid fields: \(fields.map(\.field).joined(separator: ", "))"
        case .badRequest(let message), .unauthorized(let message), .forbidden(let message), .notFound(let message),
            .conflict(let message), .preconditionFailed(let message), .payloadTooLarge(let message),
            .tooManyRequests(let message):
            return message
        case .duplicate(let message, _): return message
        case .methodNotAllowed: return "this method is not allowed here"
        case .databaseBusy: return "database busy: try again shortly"
        case .databaseUnavailable: return "database unavailable: try again shortly"
        case .serviceUnavailable(_, let message): return message
        }
    }

    var fields: [FieldError]? {
        if case .validation(let fields) = self { return fields }
        return nil
    }

    var existing: JSONValue? {
        if case .duplicate(_, let existing) = self { return existing }
        return nil
    }
}

/// Builds JSON error responses.
enum ErrorResponse {
    /// The answer to `error` (nil: a 500) in `language`.
    static func make(_ error: APIError?, requestID: String, language: MessageLanguage = .ru) -> Response {
        let status = error?.status ?? .internalServerError
        let localized =
            error?.localized(language)
            ?? APIError.Localized(
                message: ErrorCatalogue.translate("internal error; quote the request id when reporting it", to: language).text,
                reason: "internal_error", fields: nil)
        let body = ErrorBody(
            error: .init(
                status: status.code,
                code: error?.code ?? "internal_error",
                reason: localized.reason,
                message: localized.message,
                requestID: requestID,
                fields: localized.fields,
                existing: error?.existing))
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if error == .databaseBusy || error == .databaseUnavailable { headers[.retryAfter] = "1" }
        let data = (try? JSONEncoder.api.encode(body)) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension JSONEncoder {
    /// The encoder of every API response: sorted keys, ISO 8601 dates, non-ASCII text as is.
    static let api: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}

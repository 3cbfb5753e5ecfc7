import AccessControl
import Foundation
import Hummingbird
import PostgresClient
import Testing

@testable import HTTPAPI

/// `APIError.from` (the one place errors become HTTP statuses) and `ErrorResponse` (the one JSON
/// error format), without a server.
@Suite("Error mapping")
struct ErrorMappingTests {
    @Test("access errors: 401 for a missing or ended session, 429 for a lockout, 403 for a refusal")
    func accessErrors() {
        #expect(
            APIError.from(AccessError.unauthenticated(reason: "missing_token")) == .unauthorized("not signed in: no bearer token was sent"))
        #expect(APIError.from(AccessError.unauthenticated(reason: "session_idle"))?.status == .unauthorized)
        #expect(APIError.from(AccessError.invalidCredentials) == .unauthorized("wrong login or password"))
        #expect(APIError.from(AccessError.locked(until: nil))?.status == .tooManyRequests)
        #expect(
            APIError.from(AccessError.loginRefused(reason: "network_refused"))
                == .forbidden("login refused: this network is not allowed for this account"))
        #expect(APIError.from(AccessError.forbidden(reason: "x"))?.status == .forbidden)
    }

    @Test("PostgreSQL errors: busy and lost are 503, the rules' refusals 403/409/422, never a constraint's name")
    func postgresErrors() {
        func mapped(
            _ kind: PostgresError.Kind, _ state: String? = nil, message: String = "m", detail: String? = nil,
            constraint: String? = nil, table: String? = nil, column: String? = nil
        ) -> APIError? {
            APIError.from(
                PostgresError(
                    kind: kind, message: message, sqlState: state, detail: detail, constraint: constraint, table: table, column: column))
        }
        #expect(mapped(.busy) == .databaseBusy)
        #expect(mapped(.connectionLost) == .databaseUnavailable)
        #expect(mapped(.insufficientPrivilege, "42501") == .forbidden("not allowed by your role"))
        #expect(mapped(.uniqueViolation, "23505") == .conflict("such a row exists already"))
        #expect(mapped(.foreignKeyViolation, "23503") == .conflict("a referenced row does not exist (any more)"))
        #expect(
            mapped(.checkViolation, "23514", constraint: "files_name_check", table: "files")
                == .validation([.init(field: "name", message: "has a value that is not allowed here")]))
        #expect(
            mapped(.checkViolation, "23514", constraint: "deals_check", table: "deals")
                == .validation([.init(field: "(row)", message: "has a value that is not allowed here")]))
        #expect(mapped(.notNullViolation, "23502", column: "title") == .validation([.init(field: "title", message: "required")]))
        #expect(mapped(.other, "CR409", message: "refused") == .conflict("refused"))
        #expect(mapped(.other, "CR403", message: "not yours") == .forbidden("not yours"))
        #expect(mapped(.other, "CR404", message: "gone") == .notFound("gone"))
        #expect(mapped(.other, "CR412", message: "stale") == .preconditionFailed("stale"))
        #expect(
            mapped(.other, "CR422", message: "bad", detail: #"[{"field": "a", "message": "x"}, {"field": "b", "message": "y"}]"#)
                == .validation([.init(field: "a", message: "x"), .init(field: "b", message: "y")]))
        #expect(mapped(.other, "CR422", message: "bad", column: "amount") == .validation([.init(field: "amount", message: "bad")]))
        #expect(
            mapped(.other, "22003", column: "amount")
                == .validation([.init(field: "amount", message: "a number is out of range (at most 16 digits before the decimal point)")]))
        #expect(mapped(.other, "XX000") == nil, "anything else is a 500")
        #expect(mapped(.other) == nil)
    }

    @Test("Hummingbird's and the decoder's errors; anything unknown is nil (a 500)")
    func otherErrors() {
        #expect(APIError.from(HTTPError(.notFound)) == .notFound("no such resource"))
        #expect(APIError.from(HTTPError(.methodNotAllowed)) == .methodNotAllowed)
        #expect(APIError.from(HTTPError(.badRequest, message: "odd"))?.status == .badRequest)
        #expect(APIError.from(HTTPError(.internalServerError)) == nil)
        struct Unknown: Error {}
        #expect(APIError.from(Unknown()) == nil)
        #expect(APIError.from(RequestScopeMissing()) == nil, "a route outside the authenticated group is a bug: 500")
    }

    @Test("every case has its status and its stable code")
    func statusesAndCodes() {
        let cases: [(APIError, Int, String)] = [
            (.validation([]), 422, "validation_failed"), (.badRequest("x"), 400, "bad_request"), (.unauthorized("x"), 401, "unauthorized"),
            (.forbidden("x"), 403, "forbidden"), (.notFound("x"), 404, "not_found"), (.methodNotAllowed, 405, "method_not_allowed"),
            (.conflict("x"), 409, "conflict"), (.duplicate("x", existing: nil), 409, "duplicate"),
            (.preconditionFailed("x"), 412, "precondition_failed"), (.payloadTooLarge("x"), 413, "payload_too_large"),
            (.tooManyRequests("x"), 429, "too_many_requests"), (.databaseBusy, 503, "database_busy"),
            (.databaseUnavailable, 503, "database_unavailable"),
            (.serviceUnavailable(code: "converter_missing", message: "x"), 503, "converter_missing"),
        ]
        for (error, status, code) in cases {
            #expect(error.status.code == status && error.code == code, "\(error)")
        }
    }
}

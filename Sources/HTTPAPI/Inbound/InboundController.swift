import CRMDomain
import Credentials
import HTTPTypes
import Hummingbird
import PostgresClient

/// Webhooks in: `POST /api/v1/inbound/leads` (web forms) and `POST /api/v1/inbound/calls`
/// (phone systems), authenticated by the integration's token (`Authorization: Bearer …`), not a
/// user session.
///
/// 1. The body is validated (422 naming every wrong field; nothing is stored).
/// 2. The event is stored in a transaction of its own (`crm_api.inbound_receive`), unique per
///    (integration, event_id): from here on a crash loses nothing.
/// 3. It is processed in a second transaction (`InboundProcessor`); when that fails the event
///    waits for the retry service and the answer is 202.
/// A repeated event changes nothing and gets the same answer (`Idempotent-Replayed: true`):
/// 200 `{"id", "event_id", "status": "processed"}`, or 202 with `"status": "accepted"` while it
/// waits for processing. The answer never says which client matched.
public struct InboundController: Sendable {
    let pool: PostgresPool
    let processor: InboundProcessor
    static let maximumBody = 64 << 10

    public init(pool: PostgresPool, processor: InboundProcessor) {
        self.pool = pool
        self.processor = processor
    }

    struct Answer: Encodable {
        var id: Int64
        var eventID: String
        var status: String

        enum CodingKeys: String, CodingKey {
            case id, status
            case eventID = "event_id"
        }
    }

    public func register(on router: Router<CRMRequestContext>) {
        let inbound = router.group("/api/v1/inbound")
        inbound.post("leads") { request, context in try await self.receive(.lead, request, context) }
        inbound.post("calls") { request, context in try await self.receive(.call, request, context) }
    }

    func receive(_ kind: InboundEvent.Kind, _ request: Request, _ context: CRMRequestContext) async throws -> Response {
        guard let token = BearerCredential.token(from: request) else {
            throw APIError.unauthorized("an integration token is required (Authorization: Bearer <token>)")
        }
        let hash = BearerToken(text: token).hash
        let bytes = try await RequestInput.body(request, limit: Self.maximumBody)
        let validated: Result<InboundEvent, APIError>
        do {
            let body = try RequestInput.json(bytes)
            validated = kind == .lead ? InboundEvent.lead(body) : InboundEvent.call(body)
        } catch let error as APIError {
            validated = .failure(error)
        }
        let event: InboundEvent
        switch validated {
        case .success(let valid):
            event = valid
        case .failure(let error):
            // An unknown token is 401 whatever the body.
            try Self.check(try await authenticate(hash, kind))
            throw error
        }
        let raw = String(decoding: bytes, as: UTF8.self)
        let (outcome, id, status) = try await pool.withTransaction { connection in
            try await connection.query(
                """
                select outcome, inbound_id, status from crm_api.inbound_receive(\(hash)::bytea, \(kind.rawValue), \
                \(event.eventID), \(event.payload.jsonText)::jsonb, \(raw))
                """
            )[0].decode((String, Int64?, String?).self)
        }
        try Self.check(outcome)
        guard let id else { throw APIError.unauthorized("unknown or disabled integration token") }
        var final = status ?? "received"
        if final == "received" {
            final = await processor.process(id, wait: true)
        }
        var response = try JSONResponse.make(
            Answer(id: id, eventID: event.eventID, status: final == "received" ? "accepted" : final),
            status: final == "processed" ? .ok : .accepted)
        if outcome == "duplicate" {
            response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
        }
        return response
    }

    /// Whether the token belongs to an active integration allowed to send `kind`.
    private func authenticate(_ hash: [UInt8], _ kind: InboundEvent.Kind) async throws -> String {
        try await pool.withConnection { connection in
            try await connection.query("select crm_api.inbound_authenticate(\(hash)::bytea, \(kind.rawValue))")[0]
                .decode(String.self, at: 0)
        }
    }

    private static func check(_ outcome: String) throws {
        switch outcome {
        case "unauthorized": throw APIError.unauthorized("unknown or disabled integration token")
        case "wrong_kind": throw APIError.forbidden("this integration may not send this kind of event")
        case "conflict": throw APIError.conflict("this event_id was received before with other content")
        default: return
        }
    }
}

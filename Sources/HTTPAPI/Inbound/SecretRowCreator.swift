import AccessControl
import Credentials
import Hummingbird
import PostgresClient

/// `POST /api/v1/<rows>` for admin-managed rows that carry a secret shown once in the answer:
/// integrations (a bearer token, of which only the SHA-256 is stored) and webhook subscriptions
/// (the signing secret, given or generated). The other fields are validated by the resource's
/// description; the insert runs as the signed-in user, so only administrators succeed.
struct SecretRowCreator: Sendable {
    let resource: Resource
    /// A body member that may give the secret instead of a generated one (nil: always generated).
    let givenSecretField: String?
    /// The answer's member holding the secret.
    let answerField: String
    let generate: @Sendable () throws -> String
    /// The stored columns for a secret.
    let columns: @Sendable (String) -> [String: JSONValue]

    static func integrations() -> SecretRowCreator {
        SecretRowCreator(
            resource: .integrations, givenSecretField: nil, answerField: "token",
            generate: { try BearerToken.generate(prefix: "crm_i_").text },
            columns: { token in ["token_hash": .string("\\x" + Hex.encode(BearerToken(text: token).hash))] })
    }

    static func webhookSubscriptions() -> SecretRowCreator {
        SecretRowCreator(
            resource: .webhookSubscriptions, givenSecretField: "secret", answerField: "secret",
            generate: { "whsec_" + Base64.encodeURL(try SecureRandom.bytes(32)) },
            columns: { secret in ["secret": .string(secret)] })
    }

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.post(RouterPath("/api/v1/\(resource.path)")) { request, context in try await self.create(request, context) }
    }

    func create(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        var body = try RequestInput.json(try await RequestInput.body(request, limit: 64 << 10))
        var given: String?
        var secretProblems: [APIError.FieldError] = []
        if let givenSecretField, case .object(var fields) = body, let value = fields.removeValue(forKey: givenSecretField) {
            body = .object(fields)
            switch value {
            case .null: break
            case .string(let text) where (16...200).contains(text.count) && !text.unicodeScalars.contains("\0"): given = text
            default: secretProblems.append(.init(field: givenSecretField, message: "must be a string of 16 to 200 characters"))
            }
        }
        let (values, found) = ResourceBody(resource: resource, mode: .create).validate(body)
        let problems = secretProblems + found
        let secret = try given ?? generate()
        let stored = values.merging(columns(secret)) { $1 }
        let controller = ResourceController(resource: resource)
        var row = try await context.scope.transaction { connection, _ in
            _ = try await controller.checkWrite(values, id: nil, problems: problems, on: connection)
            return try await controller.fetch(try await controller.insert(stored, on: connection), on: connection)
        }
        row.status = .created
        if row.json.hasSuffix("}") {
            row.json = String(row.json.dropLast()) + ",\"\(answerField)\":" + JSONValue.quoted(secret) + "}"
        }
        return RowResponse.make(row)
    }
}

import Documents
import PostgresClient

/// A template's body parses and names only fields of the catalogue; each problem is a `body`
/// error naming the line and the field (`line 12: unknown field deal.titel`).
struct TemplateBody: ResourceRule {
    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        guard let body = write.values["body"]?.stringValue else { return RuleOutcome() }
        switch TemplateParser().parse(body) {
        case .success: return RuleOutcome()
        case .failure(let problems):
            return RuleOutcome(problems: problems.errors.prefix(20).map { .init(field: "body", message: $0.description) })
        }
    }
}

import PostgresClient

/// A deal's custom field values checked against its pipeline's definitions by the database
/// (`crm_api.custom_field_problems`), so they join the other field problems in one 422.
/// The deal trigger checks them again on every write, whatever the path.
struct DealCustomFields: ResourceRule {
    func check(_ write: ResourceWrite, on connection: PostgresConnection) async throws -> RuleOutcome {
        guard write.values["custom_fields"] != nil || write.values["pipeline_id"] != nil else { return RuleOutcome() }
        let pipeline: String?
        if case .number(let id)? = write.values["pipeline_id"] { pipeline = id } else { pipeline = nil }
        let values = write.values["custom_fields"]?.jsonText
        let rows = try await connection.query(
            """
            with p as (select coalesce(\(pipeline)::bigint, (select pipeline_id from crm.deals where id = \(write.id)), \
            (select id from crm.pipelines where is_default)) as id) \
            select crm_api.custom_field_problems(p.id, \
            coalesce(\(values)::jsonb, (select custom_fields from crm.deals where id = \(write.id)), '{}'))::text, \
            (select jsonb_object_agg(c.key, c.label) from crm.custom_fields c where c.pipeline_id = p.id)::text \
            from p
            """, prepared: true)
        guard let text = rows.first?[0], case .array(let items) = try JSONValue.parse(Array(text.utf8)) else {
            return RuleOutcome()
        }
        // A custom field is named by its own label, as the pipeline defines it.
        var labels: [String: String] = [:]
        if let text = rows.first?[1], case .object(let object) = try JSONValue.parse(Array(text.utf8)) {
            for (key, value) in object { labels["custom_fields." + key] = value.stringValue }
        }
        let problems: [APIError.FieldError] = items.compactMap { item in
            guard case .object(let o) = item, let field = o["field"]?.stringValue, let message = o["message"]?.stringValue else {
                return nil
            }
            return .init(field: field, message: message, label: labels[field])
        }
        return RuleOutcome(problems: problems)
    }
}

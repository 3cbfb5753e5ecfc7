/// Builds the OpenAPI 3.1 document from the resource descriptions (`ResourcePaths`,
/// `ResourceSchemas`) and the fixed endpoints (`FixedEndpoints`): the same descriptions the
/// router is built from.
enum OpenAPIDocument {
    static func make(resources: [Resource], version: String) -> String {
        json(resources: resources, version: version).jsonText
    }

    /// Every operation of the document.
    static func operations(resources: [Resource]) -> [OpenAPIOperation] {
        FixedEndpoints.operations + IntegrationEndpoints.operations + ReportEndpoints.operations + DocumentEndpoints.operations
            + MailEndpoints.operations + ExchangeEndpoints.operations + ImportEndpoints.operations
            + SecurityEndpoints.operations + resources.flatMap { ResourcePaths(resource: $0).operations }
    }

    static func json(resources: [Resource], version: String) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for operation in operations(resources: resources) {
            precondition(paths[operation.path]?[operation.method] == nil, "\(operation.method) \(operation.path) described twice")
            paths[operation.path, default: [:]][operation.method] = operation.json
        }
        var schemas = FixedEndpoints.schemas.merging(IntegrationEndpoints.schemas) { a, _ in a }
            .merging(ReportEndpoints.schemas) { a, _ in a }
            .merging(DocumentEndpoints.schemas) { a, _ in a }
            .merging(MailEndpoints.schemas) { a, _ in a }
            .merging(SecurityEndpoints.schemas) { a, _ in a }
            .merging(ImportEndpoints.schemas) { a, _ in a }
        schemas["Error"] = OpenAPIComponents.errorSchema
        schemas["FieldError"] = OpenAPIComponents.fieldErrorSchema
        let warningCodes = resources.flatMap { ResourceSchemas(resource: $0).warningCodes }
        if !warningCodes.isEmpty { schemas["Warning"] = ResourceSchemas.warning(codes: warningCodes) }
        for resource in resources {
            schemas.merge(ResourceSchemas(resource: resource).components) { _, _ in
                preconditionFailure("two resources describe the same schema name")
            }
        }
        return .obj([
            "openapi": .string("3.1.0"),
            "info": .obj([
                "title": .string("CRM API"),
                "version": .string(version),
                "description": .string(
                    "The JSON API of the CRM server. Every request runs as the signed-in user under the database's "
                        + "row-level security: a row the caller may not see does not exist (404). Money, quantities and "
                        + "decimals are exact decimal strings; times are ISO 8601 with a zone. Every error has one shape "
                        + "(components/schemas/Error)."),
            ]),
            "jsonSchemaDialect": .string("https://spec.openapis.org/oas/3.1/dialect/base"),
            "security": .array([.obj(["bearer": .array([])])]),
            "paths": .object(paths.mapValues(JSONValue.object)),
            "components": .obj([
                "schemas": .object(schemas),
                "responses": .object(OpenAPIComponents.errorResponses),
                "parameters": .object(OpenAPIComponents.parameters),
                "securitySchemes": OpenAPIComponents.securitySchemes,
            ]),
        ])
    }
}

/// One operation (a method on a path) of the document: what it takes and every status it answers.
struct OpenAPIOperation {
    let method: String
    let path: String
    let id: String
    let summary: String
    let tag: String
    /// Whether it needs `Authorization: Bearer`.
    var secured = true
    var parameters: [JSONValue] = []
    var requestBody: JSONValue?
    /// The success responses by status.
    var responses: [Int: JSONValue]
    /// The error statuses it answers (`OpenAPIComponents.errorResponses`); 401 is added when secured.
    var errors: [Int]

    var json: JSONValue {
        var all: [String: JSONValue] = [:]
        for (status, response) in responses { all[String(status)] = response }
        for status in Set(errors + (secured ? [401] : [])) {
            all[String(status)] = .ref(OpenAPIComponents.errorResponseName(status), in: "responses")
        }
        return .obj([
            "operationId": .string(id), "summary": .string(summary), "tags": .strings([tag]),
            "security": secured ? nil : .array([]),
            "parameters": parameters.isEmpty ? nil : .array(parameters),
            "requestBody": requestBody,
            "responses": .object(all),
        ])
    }

    /// A JSON response with `schema`.
    static func json(_ description: String, _ schema: JSONValue, headers: [String: JSONValue] = [:]) -> JSONValue {
        .obj([
            "description": .string(description),
            "headers": headers.isEmpty ? nil : .object(headers),
            "content": .obj(["application/json": .obj(["schema": schema])]),
        ])
    }

    /// A response without a body.
    static func empty(_ description: String) -> JSONValue { .obj(["description": .string(description)]) }

    /// A required JSON request body.
    static func body(_ schema: JSONValue) -> JSONValue {
        .obj(["required": .bool(true), "content": .obj(["application/json": .obj(["schema": schema])])])
    }

    /// A query parameter.
    static func query(_ name: String, _ schema: JSONValue, _ description: String? = nil, required: Bool = false) -> JSONValue {
        .obj([
            "name": .string(name), "in": .string("query"), "required": required ? .bool(true) : nil,
            "description": description.map(JSONValue.string), "schema": schema,
        ])
    }
}

import Foundation
import HTTPAPI
import TestSupport

/// The served OpenAPI document, read as data: its operations, request schemas and examples,
/// and the check of a real response against what it documents for that status.
struct OpenAPIContract {
    let document: JSONValue
    let validator: JSONSchemaValidator

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    init(text: String) throws {
        document = try JSONValue.parse(Array(text.utf8))
        validator = JSONSchemaValidator(root: document)
    }

    /// `GET /api/v1/clients/{id}` for every documented operation.
    var operationKeys: Set<String> {
        var out: Set<String> = []
        for (path, item) in document.members["paths"]?.members ?? [:] {
            for method in item.members.keys where Self.methods.contains(method) { out.insert("\(method.uppercased()) \(path)") }
        }
        return out
    }

    func operation(_ method: String, _ path: String) -> JSONValue? {
        document.members["paths"]?.members[path]?.members[method.lowercased()]
    }

    /// Follows `$ref` once (the document never chains them at the top).
    func resolved(_ value: JSONValue) -> JSONValue {
        if case .string(let ref)? = value.members["$ref"], let target = validator.resolve(ref) { return target }
        return value
    }

    /// The JSON request body schema of an operation (resolved), if any.
    func requestSchema(_ method: String, _ path: String) -> JSONValue? {
        guard let body = operation(method, path)?.members["requestBody"],
            let schema = body.members["content"]?.members["application/json"]?.members["schema"]
        else { return nil }
        return resolved(schema)
    }

    /// The first example of an operation's JSON body.
    func example(_ method: String, _ path: String) -> JSONValue? {
        guard case .array(let examples)? = requestSchema(method, path)?.members["examples"] else { return nil }
        return examples.first
    }

    /// Whether the operation needs a bearer token (the document's default, unless `security: []`).
    func isSecured(_ method: String, _ path: String) -> Bool {
        if case .array(let list)? = operation(method, path)?.members["security"] { return !list.isEmpty }
        return true
    }

    /// The problems of `response` to `method path` (a documented path template): its status
    /// must be documented, a JSON body must match the status's schema, a bodiless status must
    /// have no body, documented headers must match their schemas.
    func problems(of response: HTTPTestResponse, _ method: String, _ path: String) -> [String] {
        let name = "\(method) \(path) → \(response.status)"
        guard let operation = operation(method, path) else { return ["\(name): not a documented operation"] }
        guard let documented = operation.members["responses"]?.members[String(response.status)] else {
            return ["\(name): status not documented; body \(response.body.prefix(300))"]
        }
        let spec = resolved(documented)
        var out: [String] = []
        for (header, headerSpec) in spec.members["headers"]?.members ?? [:] {
            guard let value = response.headers[header.lowercased()], let schema = headerSpec.members["schema"] else { continue }
            let typed: JSONValue = schema.members["type"] == .string("integer") ? .number(value) : .string(value)
            out += validator.problems(typed, schema, at: "header \(header)").map { "\(name): \($0)" }
        }
        let content = spec.members["content"]?.members ?? [:]
        if let json = content["application/json"] {
            guard response.headers["content-type"]?.hasPrefix("application/json") == true else {
                return out + ["\(name): Content-Type \(response.headers["content-type"] ?? "none"), not JSON"]
            }
            do {
                let body = try JSONValue.parse(Array(response.body.utf8))
                out += validator.problems(body, json.members["schema"] ?? .bool(true)).map { "\(name): \($0)" }
            } catch {
                out.append("\(name): the body is not JSON: \(error)")
            }
        } else if content.isEmpty, !response.body.isEmpty {
            out.append("\(name): a body where none is documented: \(response.body.prefix(200))")
        }
        return out
    }
}

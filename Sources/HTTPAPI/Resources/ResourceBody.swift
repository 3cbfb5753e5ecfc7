/// Checks a JSON body against a resource's fields: every problem is collected (unknown and
/// read-only fields, missing required ones, wrong types and values), so one 422 names them all.
struct ResourceBody {
    enum Mode { case create, update }

    let resource: Resource
    let mode: Mode

    /// The validated values (normalised) or all the problems.
    func validate(_ body: JSONValue) -> (values: [String: JSONValue], problems: [APIError.FieldError]) {
        guard case .object(let input) = body else {
            return ([:], [.init(field: "(body)", message: "must be a JSON object, not \(body.typeName)")])
        }
        var values: [String: JSONValue] = [:]
        var problems: [APIError.FieldError] = []
        for key in input.keys.sorted() {
            let value = input[key]!
            guard let field = resource.field(key) else {
                problems.append(.init(field: key, message: "unknown field"))
                continue
            }
            switch (field.access, mode) {
            case (.readOnly, _):
                problems.append(.init(field: key, message: "read-only: set by the server"))
                continue
            case (.createOnly, .update):
                problems.append(.init(field: key, message: "cannot be changed after create"))
                continue
            default: break
            }
            if value.isNull {
                if field.required || !field.nullable {
                    problems.append(.init(field: key, message: "must not be null"))
                } else {
                    values[key] = .null
                }
                continue
            }
            switch field.type.check(value, required: field.required) {
            case .success(let normalised): values[key] = normalised
            case .failure(let problem): problems.append(.init(field: key, message: problem.message))
            }
        }
        if mode == .create {
            for field in resource.fields where field.required && input[field.name] == nil {
                problems.append(.init(field: field.name, message: "required"))
            }
        }
        return (values, problems)
    }
}

import Foundation

/// The pipeline's custom fields of a deal as typed inputs (text, number, money, date picker,
/// boolean, enum, file), saved by the script as one PATCH of `custom_fields` through the API —
/// whose 422 names each wrong field.
enum CustomFieldsForm {
    static func render(dealID: Int64, pipelineID: Int64, valuesJSON: String, _ page: PageContext) async throws -> HTML {
        let t = page.texts
        let fields = try await page.rows(
            """
            select key, label, type, required, options, default_value::text from crm.custom_fields
            where pipeline_id = \(pipelineID) order by position, id
            """)
        guard !fields.isEmpty else { return "<h2>\(t[.customFields])</h2><p class=\"muted\">\(t[.noCustomFields])</p>" }
        let values = (try? JSONSerialization.jsonObject(with: Data(valuesJSON.utf8))) as? [String: Any] ?? [:]
        let inputs = fields.map { row -> HTML in
            let key = row[0] ?? "", label = row[1] ?? key, type = row[2] ?? "text"
            let name = "custom_fields.\(key)"
            let required = row[3] == "t"
            let value = values[key]
            let text: String =
                switch value {
                case let string as String: string
                case let number as NSNumber where type != "boolean": number.stringValue
                default: ""
                }
            let requiredMark: HTML = required ? " <span class=\"req\">*</span>" : .empty
            let input: HTML
            switch type {
            case "number":
                input = "<input type=\"number\" step=\"any\" name=\"\(name)\" data-type=\"number\" value=\"\(text)\">"
            case "money":
                input =
                    "<input inputmode=\"decimal\" name=\"\(name)\" data-type=\"string\" value=\"\(text)\" pattern=\"[0-9]+([.][0-9]{1,2})?\">"
            case "date":
                input = "<input type=\"date\" name=\"\(name)\" data-type=\"string\" value=\"\(text)\">"
            case "boolean":
                let on = (value as? Bool) ?? (row[5] == "true")
                input = "<input type=\"checkbox\" name=\"\(name)\" data-type=\"bool\"\(HTML.when(on, " checked"))>"
            case "enum":
                let options = Self.arrayLiteral(row[4]).map { option -> HTML in
                    "<option value=\"\(option)\"\(HTML.when(option == text, " selected"))>\(option)</option>"
                }
                input = "<select name=\"\(name)\" data-type=\"string\"><option value=\"\"></option>\(options)</select>"
            case "file":
                let current: HTML = text.isEmpty ? .empty : " · <a href=\"/api/v1/files/\(text)/content\">\(t[.download])</a>"
                input =
                    "\(current)<input type=\"hidden\" name=\"\(name)\" data-type=\"number\" value=\"\(text)\"><input type=\"file\" data-upload-for=\"\(name)\" data-deal=\"\(dealID)\">"
            default:
                input = "<input name=\"\(name)\" data-type=\"string\" value=\"\(text)\" maxlength=\"2000\">"
            }
            let wrapper = type == "boolean" ? "check" : ""
            return "<label class=\"\(wrapper)\">\(label)\(requiredMark)\(input)</label>"
        }
        return """
            <h2>\(t[.customFields])</h2>
            <form class="form" data-api="/api/v1/deals/\(dealID)" data-method="PATCH" id="custom-fields-form">
              \(inputs)
              <div class="actions"><button type="submit" class="primary">\(t[.save])</button></div>
            </form>
            """
    }

    /// `{a,"b c"}` (PostgreSQL's text of a text[]) → `["a", "b c"]`.
    static func arrayLiteral(_ text: String?) -> [String] {
        guard var body = text, body.hasPrefix("{"), body.hasSuffix("}") else { return [] }
        body = String(body.dropFirst().dropLast())
        var items: [String] = [], current = "", quoted = false, escaped = false
        for character in body {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "\"": quoted.toggle()
            case "," where !quoted:
                items.append(current)
                current = ""
            default: current.append(character)
            }
        }
        if !body.isEmpty { items.append(current) }
        return items
    }
}

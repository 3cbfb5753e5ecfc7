import Foundation

/// An audit entry's change as `field: old → new` lines.
enum AuditDiff {
    static func render(old: String?, new: String?) -> HTML {
        let before = object(old), after = object(new)
        let keys = Set(before.keys).union(after.keys).subtracting(["version", "updated_at"]).sorted()
        let lines = keys.map { key -> HTML in
            "<div><code>\(key)</code>: \(text(before[key])) → \(text(after[key]))</div>"
        }
        return HTML.join(lines)
    }

    static func object(_ json: String?) -> [String: Any] {
        guard let json, let data = json.data(using: .utf8) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    static func text(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return "—"
        case let string as String: return String(string.prefix(200))
        case let number as NSNumber: return number.stringValue
        default:
            let data = (try? JSONSerialization.data(withJSONObject: value!, options: [.sortedKeys])) ?? Data()
            return String(decoding: data.prefix(200), as: UTF8.self)
        }
    }
}

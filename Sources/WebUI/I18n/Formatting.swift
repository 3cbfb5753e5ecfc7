/// Numbers, money and times as a reader of the language writes them. Money arrives as exact
/// decimal text from PostgreSQL and is never turned into a floating-point number.
struct Formatting: Sendable {
    let language: Language

    /// `1234567.5` → `1 234 567,50` (ru) or `1,234,567.50` (en).
    func money(_ text: String?, currency: String? = nil) -> String {
        guard let text, !text.isEmpty else { return "—" }
        var digits = text
        var negative = false
        if digits.hasPrefix("-") {
            negative = true
            digits.removeFirst()
        }
        let parts = digits.split(separator: ".", maxSplits: 1)
        let whole = String(parts.first ?? "0")
        var fraction = parts.count > 1 ? String(parts[1]) : "00"
        while fraction.count < 2 { fraction += "0" }
        fraction = String(fraction.prefix(2))
        let group = language == .ru ? "\u{00A0}" : ","
        var grouped = ""
        for (index, character) in whole.reversed().enumerated() {
            if index > 0, index % 3 == 0 { grouped.append(contentsOf: group) }
            grouped.append(character)
        }
        let number = (negative ? "-" : "") + String(grouped.reversed()) + (language == .ru ? "," : ".") + fraction
        guard let currency else { return number }
        let sign = currency == "RUB" ? "₽" : currency
        return number + "\u{00A0}" + sign
    }

    /// `80.000` → `80`, `2.500` → `2,5` (ru) or `2.5` (en).
    func quantity(_ text: String?) -> String {
        guard var text, !text.isEmpty else { return "—" }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return language == .ru ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// `2026-12-03 14:05` (already in the user's zone) → `03.12.2026 14:05` (ru) or as is (en).
    func time(_ local: String?) -> String {
        guard let local, local.count >= 10 else { return "—" }
        let date = date(String(local.prefix(10)))
        let rest = local.dropFirst(10).trimmingCharacters(in: .whitespaces)
        return rest.isEmpty ? date : date + " " + String(rest.prefix(5))
    }

    /// `2026-12-03` → `03.12.2026` (ru) or as is (en).
    func date(_ iso: String?) -> String {
        guard let iso, iso.count >= 10 else { return "—" }
        let parts = iso.prefix(10).split(separator: "-")
        guard parts.count == 3, language == .ru else { return String(iso.prefix(10)) }
        return "\(parts[2]).\(parts[1]).\(parts[0])"
    }
}

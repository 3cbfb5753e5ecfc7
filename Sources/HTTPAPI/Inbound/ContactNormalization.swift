/// Phones and e-mails as the CRM compares them. The same rules as the database's
/// `crm_private.normalize_phone` (sql/240_inbound.sql), which matches a caller against every
/// spelling of a contact's phones.
public enum PhoneNumber {
    /// Russian formats (`+7`/`8` prefixes, spaces, brackets, dashes, dots) become `+7XXXXXXXXXX`;
    /// ten digits without a prefix are a Russian number too; other numbers given with `+` keep
    /// their 8–15 digits. nil: not a phone number (letters, extensions, too few digits).
    public static func normalized(_ text: String) -> String? {
        let trimmed = text.trimmingSpaces()
        guard let first = trimmed.unicodeScalars.first else { return nil }
        let hasPlus = first == "+"
        let body = hasPlus ? trimmed.unicodeScalars.dropFirst() : trimmed.unicodeScalars[...]
        guard let lead = body.first, ("0"..."9").contains(lead) || lead == "(" else { return nil }
        var digits = ""
        for scalar in body {
            switch scalar {
            case "0"..."9": digits.unicodeScalars.append(scalar)
            case " ", "(", ")", ".", "/", "-": continue
            default: return nil
            }
        }
        if hasPlus {
            if digits.count == 11 && digits.hasPrefix("7") { return "+" + digits }
            if (8...15).contains(digits.count) && !digits.hasPrefix("7") { return "+" + digits }
            return nil
        }
        if digits.count == 11 && (digits.hasPrefix("7") || digits.hasPrefix("8")) { return "+7" + digits.dropFirst() }
        if digits.count == 10 { return "+7" + digits }
        return nil
    }
}

public enum EmailAddress {
    /// Trimmed and lower-cased; nil unless it looks like `local@domain.tld` (the contacts'
    /// own check) and has at most 254 characters.
    public static func normalized(_ text: String) -> String? {
        let email = text.trimmingSpaces().lowercased()
        guard email.count <= 254 else { return nil }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !email.unicodeScalars.contains(where: { $0.properties.isWhitespace }) else {
            return nil
        }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard domain.count >= 2, !domain[0].isEmpty, !domain.last!.isEmpty else { return nil }
        return email
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    func trimmingSpaces() -> String {
        var scalars = unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

/// The stored HTML of a document: the filled template behind a Content-Security-Policy that
/// lets it load nothing and run nothing (the converter opens it as a local file; a template is
/// an administrator's text, but its values are the users').
public enum HTMLPage {
    public static let policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"

    /// `<!DOCTYPE html>`, the character set and the policy first, then the filled template
    /// without its own doctype (an HTML parser puts leading `<meta>` elements into the head, and
    /// the doctype must come first for standards mode).
    public static func wrap(_ filled: String) -> String {
        "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"\(policy)\">\n"
            + withoutDoctype(filled)
    }

    static func withoutDoctype(_ text: String) -> String {
        let trimmed = text.drop { $0.isWhitespace }
        guard trimmed.prefix(9).lowercased() == "<!doctype", let end = trimmed.firstIndex(of: ">") else { return text }
        return String(trimmed[trimmed.index(after: end)...])
    }
}

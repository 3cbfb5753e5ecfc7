import Foundation

/// RFC 2047 encoded words (`=?UTF-8?B?…?=`) for header text that is not plain ASCII, and
/// RFC 2231 parameters (`filename*0*=UTF-8''…`) for attachment names.
public enum EncodedWord {
    /// The longest encoded word RFC 2047 allows.
    static let maximumWordLength = 75
    /// Bytes of UTF-8 per word: 52 characters of base64, a word of 64 — so even the first word,
    /// after `Subject: `, stays within a line of 78.
    static let bytesPerWord = 39

    /// Whether `text` can go into a header as it is (printable ASCII, no line breaks).
    static func isPlain(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Unstructured text (Subject): as is when plain ASCII and short, else encoded words, never
    /// splitting a character between two words; words are joined by `CRLF SPACE` (folding).
    public static func unstructured(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if isPlain(flat) && flat.utf8.count <= 900 { return fold(flat) }
        return words(flat).joined(separator: "\r\n ")
    }

    /// A display name: quoted when plain ASCII, else encoded words.
    public static func phrase(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if isPlain(flat) {
            let escaped = flat.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"" + escaped + "\""
        }
        // One word when it fits (readers such as Python's put a space between the words of a
        // folded phrase), else words of at most 45 bytes.
        return words(flat, bytesPerWord: 45).joined(separator: "\r\n ")
    }

    /// `text` as encoded words of at most 45 UTF-8 bytes each, cut between characters.
    static func words(_ text: String, bytesPerWord: Int = bytesPerWord) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > bytesPerWord, !chunk.isEmpty {
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// Folds plain text at spaces (a fold is `CRLF` before a space, removed again by the reader)
    /// so lines stay within 76 characters where the words allow it.
    static func fold(_ text: String) -> String {
        var result = ""
        var lineLength = 9  // "Subject: "
        for (index, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if index > 0 {
                if lineLength + 1 + word.count > 76 && lineLength > 1 {
                    result += "\r\n "
                    lineLength = 1
                } else {
                    result += " "
                    lineLength += 1
                }
            }
            result += word
            lineLength += word.count
        }
        return result
    }

    /// An RFC 2231 parameter: `name="plain"` for plain short ASCII, else
    /// `name*0*=UTF-8''%D0%A1…;` continuations of at most 54 characters, each on its own line.
    public static func parameter(_ name: String, _ value: String) -> String {
        if isPlain(value), !value.contains("\""), !value.contains("\\"), value.utf8.count <= 60 {
            return name + "=\"" + value + "\""
        }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~".utf8)
        var pieces: [String] = []
        for byte in value.utf8 {
            pieces.append(allowed.contains(byte) ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte))
        }
        var sections: [String] = []
        var current = ""
        for piece in pieces {
            if current.count + piece.count > 54 {
                sections.append(current)
                current = ""
            }
            current += piece
        }
        sections.append(current)
        return sections.enumerated().map { index, section in
            "\(name)*\(index)*=" + (index == 0 ? "UTF-8''" : "") + section
        }.joined(separator: ";\r\n ")
    }
}

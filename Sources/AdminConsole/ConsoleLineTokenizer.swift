/// Splits a command line into words: whitespace separates words, and double quotes group text.
///
/// Inside quotes, `\"` is a quote and `\\` a backslash; any other backslash is kept as is.
/// Quoted and bare text may be adjacent (`a"b c"` is the single word `ab c`); `""` is an empty word.
enum ConsoleLineTokenizer {
    /// A malformed line.
    enum SyntaxError: Error, Equatable {
        case unterminatedQuote

        var message: String {
            switch self {
            case .unterminatedQuote: "unterminated quoted argument"
            }
        }
    }

    /// The words of `line`, in order.
    static func tokenize(_ line: String) throws(SyntaxError) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var inWord = false
        var inQuotes = false
        var escaping = false

        for scalar in line.unicodeScalars {
            if inQuotes {
                if escaping {
                    if scalar != "\"" && scalar != "\\" { current.append("\\") }
                    current.append(scalar)
                    escaping = false
                } else if scalar == "\\" {
                    escaping = true
                } else if scalar == "\"" {
                    inQuotes = false
                } else {
                    current.append(scalar)
                }
            } else if scalar == " " || scalar == "\t" {
                if inWord {
                    words.append(String(current))
                    current = String.UnicodeScalarView()
                    inWord = false
                }
            } else if scalar == "\"" {
                inQuotes = true
                inWord = true
            } else {
                current.append(scalar)
                inWord = true
            }
        }
        guard !inQuotes else { throw .unterminatedQuote }
        if inWord { words.append(String(current)) }
        return words
    }
}

/// Why a document could not be made (nothing is stored then).
public enum DocumentError: Error, Sendable, CustomStringConvertible {
    /// The data the database gave does not fit the catalogue (a bug, answered as a 500).
    case badData(String)
    /// No PDF converter where it was looked for (answered as a 503 naming it).
    case converterMissing(String)
    /// The converter ran but made no PDF: failed, crashed or ran past its time limit.
    case conversionFailed(String)

    public var description: String {
        switch self {
        case .badData(let text): return "document data: \(text)"
        case .converterMissing(let text): return text
        case .conversionFailed(let text): return "PDF conversion failed: \(text)"
        }
    }
}

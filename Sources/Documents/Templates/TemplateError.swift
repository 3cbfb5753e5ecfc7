/// What is wrong with a template, where: the line (1-based), and the field when one is named.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let field: String?
    /// The problem in English, without the position (`unknown field`).
    public let problem: String

    public init(line: Int, field: String? = nil, problem: String) {
        self.line = line
        self.field = field
        self.problem = problem
    }

    /// `line 12: unknown field deal.titel`
    public var description: String {
        "line \(line): " + problem + (field.map { " \($0)" } ?? "")
    }
}

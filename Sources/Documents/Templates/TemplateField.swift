/// One field a template may name: its path (`counterparty.inn`, `line.price`), type, and what it
/// holds (for the people who write templates).
public struct TemplateField: Sendable, Equatable {
    public let path: String
    public let type: TemplateFieldType
    public let summary: String

    public init(_ path: String, _ type: TemplateFieldType, _ summary: String) {
        self.path = path
        self.type = type
        self.summary = summary
    }
}

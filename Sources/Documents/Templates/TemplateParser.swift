import Foundation

/// Parses a template: HTML with `{{ field }}`, `{{ field | filter }}`, `{{#each list}}…{{/each}}`,
/// `{{#if field}}…{{else}}…{{/if}}` and `{{! comments }}`, checking every name against the field
/// catalogue. Syntax errors stop the parse; every unknown field and filter is reported.
public struct TemplateParser: Sendable {
    public let catalog: TemplateFieldCatalog

    public init(catalog: TemplateFieldCatalog = .standard) {
        self.catalog = catalog
    }

    /// The nodes of `source`, or every problem found (syntax errors first stop the parse).
    public func parse(_ source: String) -> Result<[TemplateNode], TemplateErrors> {
        var state = State(catalog: catalog)
        var rest = Substring(source)
        var line = 1
        while let open = rest.range(of: "{{") {
            let literal = rest[..<open.lowerBound]
            state.append(.literal(String(literal)))
            line += literal.lineBreaks
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                return .failure(TemplateErrors(state.errors + [TemplateError(line: line, problem: "«{{» is not closed with «}}»")]))
            }
            let tag = afterOpen[..<close.lowerBound]
            if tag.contains("{{") {
                return .failure(TemplateErrors(state.errors + [TemplateError(line: line, problem: "«{{» is not closed with «}}»")]))
            }
            if let error = state.tag(String(tag), line: line) {
                return .failure(TemplateErrors(state.errors + [error]))
            }
            line += tag.lineBreaks
            rest = afterOpen[close.upperBound...]
        }
        state.append(.literal(String(rest)))
        if let open = state.stack.last {
            state.errors.append(TemplateError(line: open.line, field: open.name, problem: "«{{#\(open.keyword)}}» is not closed for"))
            return .failure(TemplateErrors(state.errors))
        }
        if !state.errors.isEmpty { return .failure(TemplateErrors(state.errors)) }
        return .success(state.nodes)
    }

    private struct Section {
        let keyword: String
        let name: String
        let line: Int
        let item: String?
        var body: [TemplateNode] = []
        var otherwise: [TemplateNode]? = nil
    }

    private struct State {
        let catalog: TemplateFieldCatalog
        var nodes: [TemplateNode] = []
        var stack: [Section] = []
        var errors: [TemplateError] = []

        mutating func append(_ node: TemplateNode) {
            if case .literal(let text) = node, text.isEmpty { return }
            guard !stack.isEmpty else {
                nodes.append(node)
                return
            }
            if stack[stack.count - 1].otherwise != nil {
                stack[stack.count - 1].otherwise!.append(node)
            } else {
                stack[stack.count - 1].body.append(node)
            }
        }

        /// The items in scope (`line` inside `{{#each lines}}`).
        var items: Set<String> { Set(stack.compactMap(\.item)) }

        /// Handles one tag; a returned error is a syntax error that stops the parse.
        mutating func tag(_ raw: String, line: Int) -> TemplateError? {
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix("!") { return nil }
            if text.isEmpty { return TemplateError(line: line, problem: "empty «{{ }}»: name a field") }
            let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
            switch words[0] {
            case "#each":
                guard words.count == 2, Self.isName(words[1]) else {
                    return TemplateError(line: line, problem: "«{{#each}}» needs one list field, as in {{#each lines}}")
                }
                let name = words[1]
                guard let item = catalog.itemName(of: name) else {
                    let known = catalog.field(name) != nil
                    return TemplateError(line: line, field: name, problem: known ? "not a list, cannot loop over" : "unknown list")
                }
                if items.contains(item) { return TemplateError(line: line, field: name, problem: "a loop inside itself over") }
                stack.append(Section(keyword: "each", name: name, line: line, item: item))
            case "#if":
                guard words.count == 2, Self.isName(words[1]) else {
                    return TemplateError(line: line, problem: "«{{#if}}» needs one field, as in {{#if counterparty.kpp}}")
                }
                check(words[1], line: line)
                stack.append(Section(keyword: "if", name: words[1], line: line, item: nil))
            case "else":
                guard words.count == 1, let top = stack.last, top.keyword == "if", top.otherwise == nil else {
                    return TemplateError(line: line, problem: "«{{else}}» outside an «{{#if}}»")
                }
                stack[stack.count - 1].otherwise = []
            case "/each", "/if":
                let keyword = String(words[0].dropFirst())
                guard words.count == 1 else { return TemplateError(line: line, problem: "«{{\(words[0])}}» takes nothing after it") }
                guard let top = stack.popLast() else {
                    return TemplateError(line: line, problem: "«{{/\(keyword)}}» without an opening «{{#\(keyword)}}»")
                }
                guard top.keyword == keyword else {
                    return TemplateError(
                        line: line, field: top.name,
                        problem: "«{{/\(keyword)}}» closes «{{#\(top.keyword)}}» of line \(top.line) for")
                }
                if keyword == "each" {
                    append(.each(list: top.name, item: top.item!, body: top.body))
                } else {
                    append(.conditional(path: top.name, then: top.body, otherwise: top.otherwise ?? []))
                }
            default:
                if text.hasPrefix("#") || text.hasPrefix("/") || text.hasPrefix("{") || text.hasPrefix("&") || text.hasPrefix(">") {
                    return TemplateError(line: line, problem: "unknown tag «{{\(text)}}» (known: #each, #if, else, /each, /if, !)")
                }
                let pieces = text.split(separator: "|", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                guard pieces.count <= 2, Self.isName(pieces[0]), pieces.count == 1 || Self.isName(pieces[1]) else {
                    return TemplateError(
                        line: line, problem: "«{{\(text)}}» is not a field name, as in {{ deal.title }} or {{ document.total | words }}")
                }
                let path = pieces[0]
                let filter = pieces.count == 2 ? pieces[1] : nil
                guard let type = check(path, line: line) else { return nil }
                if case .list = type {
                    errors.append(TemplateError(line: line, field: path, problem: "a list is printed with {{#each}}, not as a value:"))
                    return nil
                }
                if let filter, !type.filters.contains(filter) {
                    let known = type.filters.isEmpty ? "none" : type.filters.joined(separator: ", ")
                    errors.append(TemplateError(line: line, field: path, problem: "unknown filter «\(filter)» (filters: \(known)) for"))
                    return nil
                }
                append(.field(path: path, filter: filter, type: type, line: line))
            }
            return nil
        }

        /// The type of a field named on `line`, recording an unknown one (and a row field outside its loop).
        @discardableResult
        mutating func check(_ path: String, line: Int) -> TemplateFieldType? {
            guard let field = catalog.field(path) else {
                errors.append(TemplateError(line: line, field: path, problem: "unknown field"))
                return nil
            }
            if let item = catalog.isItemField(path), !items.contains(item) {
                errors.append(TemplateError(line: line, field: path, problem: "a row field outside its {{#each}} loop:"))
                return nil
            }
            return field.type
        }

        static func isName(_ text: String) -> Bool {
            !text.isEmpty
                && text.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "." }
                && !text.hasPrefix(".") && !text.hasSuffix(".") && !text.contains("..")
        }
    }
}

/// All the problems of one template, in order.
public struct TemplateErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public let errors: [TemplateError]
    public init(_ errors: [TemplateError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "; ") }
}

extension Substring {
    /// The number of line feeds (a CR LF pair is one Character in Swift, so count scalars).
    var lineBreaks: Int { unicodeScalars.reduce(0) { $1 == "\n" ? $0 + 1 : $0 } }
}

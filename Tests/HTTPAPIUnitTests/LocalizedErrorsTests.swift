import Foundation
import Testing

@testable import HTTPAPI

/// Error messages in the caller's language (issue 9): every message written in the sources —
/// Swift where it is raised, SQL where a rule refuses — has its catalogue entry, every field a
/// label. (Over HTTP, with a database: `LocalizedErrorsHTTPTests` in CRMServerTests.)
@Suite("Error messages in the user's language")
struct LocalizedErrorsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    // MARK: the catalogue covers the sources

    @Test("every message literal of the HTTP layer, the access checks and the identifiers has an entry")
    func swiftMessagesCovered() throws {
        let folders = [
            "Sources/HTTPAPI", "Sources/AccessControl", "Sources/CompanyIdentifiers", "Sources/WebUI/Session", "Sources/WebUI/Pages",
            "Sources/Documents/Templates",
        ]
        var messages: [(String, String)] = []
        for folder in folders {
            let base = Self.repository.appendingPathComponent(folder)
            let files =
                FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
            #expect(!files.isEmpty, "no Swift files in \(folder)")
            for file in files where !file.hasPrefix("Localization/") && !file.hasPrefix("OpenAPI/") {
                let text = try String(contentsOf: base.appendingPathComponent(file), encoding: .utf8)
                messages += SourceMessages.swift(text).map { ($0, "\(folder)/\(file)") }
            }
        }
        #expect(messages.count > 150, "the scanner found only \(messages.count) messages: is it still reading the sources?")
        let missing = messages.filter { !SourceMessages.covered($0.0) }
        #expect(missing.isEmpty, "messages without a catalogue entry:\n\(missing.map { "\($0.1): \($0.0)" }.joined(separator: "\n"))")
    }

    @Test("every rule error raised in sql/ (CR4xx), every exit condition and custom-field problem has an entry")
    func sqlMessagesCovered() throws {
        // sql/legacy (the frozen chain), sql/migrations and sql/schema (the current definitions)
        let folder = Self.repository.appendingPathComponent("sql")
        let files = try #require(FileManager.default.subpaths(atPath: folder.path)).filter {
            $0.hasSuffix(".sql") && ["legacy/", "migrations/", "schema/"].contains(where: $0.hasPrefix)
        }.sorted()
        #expect(files.contains(where: { $0.hasPrefix("schema/") }), "the scanner does not read sql/schema")
        var messages: [(String, String)] = []
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            messages += SourceMessages.sql(text).map { ($0, file) }
        }
        #expect(messages.count > 45, "the scanner found only \(messages.count) SQL messages")
        let missing = messages.filter { !SourceMessages.covered($0.0) }
        #expect(missing.isEmpty, "SQL messages without a catalogue entry:\n\(missing.map { "\($0.1): \($0.0)" }.joined(separator: "\n"))")
    }

    @Test("every field of every resource has a label in both languages; every resource's name is translated")
    func labelsCovered() {
        var missing: [String] = []
        for resource in Resource.all {
            for field in resource.fields
            where FieldLabels.known(field.name, in: .ru) == nil || FieldLabels.known(field.name, in: .en) == nil {
                missing.append("\(resource.path).\(field.name)")
            }
            if Vocabulary.word(resource.singular, in: .ru) == resource.singular { missing.append("entity \(resource.singular)") }
        }
        #expect(missing.isEmpty, "no label: \(missing)")
    }

    @Test("each Russian text uses every value of its English pattern and no other")
    func templatesUseTheirValues() {
        for entry in ErrorCatalogue.entries {
            let used = Set(
                entry.russian.parts.compactMap { part -> Int? in
                    if case .value(let index, _) = part { return index }
                    return nil
                })
            #expect(used == Set((0..<entry.pattern.placeholderCount).map { $0 + 1 }), "\(entry.code): \(entry.english)")
            #expect(
                entry.russian.parts.allSatisfy {
                    if case .text(let t) = $0 { return t.firstMatch(of: #/\{[0-9]/#) == nil } else { return true }
                },
                "a malformed placeholder in the Russian text of \(entry.english)")
        }
    }

    // MARK: translation

    @Test("a rule's message is translated with its values, lists and fields; an unknown one stays as it is")
    func translation() {
        let exit =
            "the deal cannot leave «Переговоры» yet: task(s) not done: «Позвонить»; approval(s) not given: «Скидка» (rejected); field expected_close_date is empty"
        let (text, code) = ErrorCatalogue.translate(exit, to: .ru)
        #expect(
            text
                == "сделка пока не может покинуть этап «Переговоры»: не выполнены задачи: «Позвонить»; не получены согласования: «Скидка» (отклонено); не заполнено поле «Ожидаемая дата закрытия»"
        )
        #expect(code == "exit_conditions")
        #expect(ErrorCatalogue.translate(exit, to: .en) == (exit, "exit_conditions"))
        #expect(
            ErrorCatalogue.translate("the request body is not valid JSON at byte 7: unexpected end", to: .ru).text
                == "тело запроса: неверный JSON в байте 7: неожиданный конец")
        #expect(
            ErrorCatalogue.translate("ИНН has a wrong check digit (a typo?)", to: .ru).text == "ИНН: неверная контрольная цифра (опечатка?)"
        )
        #expect(
            ErrorCatalogue.translate("login refused: outside the login hours of your role", to: .ru)
                == ("вход отклонён: вне часов работы, разрешённых вашей роли", "outside_login_hours"), "a wrapper takes its inner code")
        #expect(
            ErrorCatalogue.translate("from «Новая» the deal goes on to «Квалификация» or «Отказ» only", to: .ru).text
                == "из этапа «Новая» сделка переходит только в «Квалификация» или «Отказ»")
        #expect(ErrorCatalogue.translate("line 3: unknown field deal.titel", to: .ru).text == "строка 3: неизвестное поле deal.titel")
        #expect(ErrorCatalogue.translate("unknown field", to: .ru).text == "неизвестное поле")
        #expect(ErrorCatalogue.translate("something nobody wrote", to: .ru) == ("something nobody wrote", nil))
        #expect(FieldLabels.label(of: "amount.gte", in: .ru) == "Сумма (gte)")
        #expect(FieldLabels.label(of: "custom_fields.grade", in: .ru) == "доп. поле «grade»")
    }

    @Test("Accept-Language picks the best language the server speaks, by quality")
    func acceptLanguage() {
        #expect(MessageLanguage(acceptLanguage: "en-US,en;q=0.9") == .en)
        #expect(MessageLanguage(acceptLanguage: "de-DE, ru;q=0.5, en;q=0.4") == .ru)
        #expect(MessageLanguage(acceptLanguage: "ru;q=0, en;q=0.1") == .en)
        #expect(MessageLanguage(acceptLanguage: "de, fr;q=0.8") == nil)
        #expect(MessageLanguage(acceptLanguage: "*") == nil)
        #expect(MessageLanguage(acceptLanguage: "") == nil)
        #expect(MessageLanguage(locale: "en-GB") == .en && MessageLanguage(locale: "ru-RU") == .ru && MessageLanguage(locale: nil) == .ru)
    }
}

/// The message literals of source files, the way a translator's extraction tool finds them.
enum SourceMessages {
    /// Literals given to the API's errors and field problems (`message: "…"`, `.conflict("…")`,
    /// `problem(key, "…")`, `.failure("…")`, `FieldProblem("…")`, the JSON parser's `fail("…")`) and
    /// the `return "…"` lines of `description`/`explain` of the access and identifier errors;
    /// `\(…)` becomes `{}`.
    static func swift(_ text: String) -> [String] {
        let calls =
            #/(?:message:\s*|problem:\s*|problem\(\s*(?:[^"\n]|"[^"\n]*")*?,\s*|\.(?:conflict|forbidden|notFound|badRequest|unauthorized|preconditionFailed|payloadTooLarge|tooManyRequests|duplicate|failure)\(\s*|FieldProblem\(\s*|fail\(\s*)"/#
        var out: [String] = []
        let chars = Array(text)
        for match in text.matches(of: calls) {
            let start = text.distance(from: text.startIndex, to: match.range.upperBound) - 1
            if let literal = literal(chars, at: start), literal.contains(where: \.isLetter) { out.append(literal) }
        }
        if text.contains("var description: String") || text.contains("static func explain") {
            for match in text.matches(of: #/(?:case [^\n]*: |default: )return "/#) {
                let start = text.distance(from: text.startIndex, to: match.range.upperBound) - 1
                if let literal = literal(chars, at: start), literal.contains(where: \.isLetter) { out.append(literal) }
            }
        }
        return out
    }

    /// The Swift string literal opening at `start`, interpolations as `{}`; nil for multi-line ones.
    static func literal(_ chars: [Character], at start: Int) -> String? {
        guard chars[start] == "\"", !(start + 2 < chars.count && chars[start + 1] == "\"" && chars[start + 2] == "\"") else { return nil }
        var out = ""
        var i = start + 1
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                if chars[i + 1] == "(" {
                    var depth = 1
                    i += 2
                    while i < chars.count, depth > 0 {
                        if chars[i] == "\"" {
                            // A string inside the interpolation: skip it whole.
                            i += 1
                            while i < chars.count, chars[i] != "\"" { i += chars[i] == "\\" ? 2 : 1 }
                        } else if chars[i] == "(" {
                            depth += 1
                        } else if chars[i] == ")" {
                            depth -= 1
                        }
                        i += 1
                    }
                    out += "{}"
                    continue
                }
                let escaped: [Character: String] = ["n": "\n", "t": "\t", "\"": "\"", "\\": "\\", "0": "\0"]
                out += escaped[chars[i + 1]] ?? String(chars[i + 1])
                i += 2
                continue
            }
            if c == "\"" { return out }
            if c == "\n" { return nil }
            out.append(c)
            i += 1
        }
        return nil
    }

    /// The rule errors of SQL (`raise exception '…' using errcode = 'CR…'`), the stage's exit
    /// conditions and the custom-field problems; `%` becomes `{}`.
    static func sql(_ text: String) -> [String] {
        var out: [String] = []
        for match in text.matches(of: #/raise exception\s+'((?:[^']|'')*)'((?:[^;'"]|'[^']*')*);/#) {
            guard match.2.contains("'CR") else { continue }
            out.append(String(match.1).replacingOccurrences(of: "''", with: "'").replacingOccurrences(of: "%", with: "{}"))
        }
        for match in text.matches(of: #/missing := missing \|\| \(?(?:format\()?'((?:[^']|'')*)'/#) {
            out.append(String(match.1).replacingOccurrences(of: "%s", with: "{}") + (match.1.hasSuffix(": ") ? "{}" : ""))
        }
        for match in text.matches(of: #/msg := '((?:[^']|'')*)'/#) {
            out.append(String(match.1) + (match.1.hasSuffix(": ") ? "{}" : ""))
        }
        for match in text.matches(of: #/'field',[^;]*?'message', '((?:[^']|'')*)'/#) { out.append(String(match.1)) }
        return out.map { $0.replacingOccurrences(of: "{}: {}", with: "{}: {}") }
    }

    /// Whether the catalogue has `pattern` itself, or an entry that its messages match and that
    /// is no catch-all (`{}: {}`, `no {} {}` cover only themselves).
    static func covered(_ pattern: String) -> Bool {
        if ErrorCatalogue.entries.contains(where: { $0.english == pattern }) { return true }
        guard let found = ErrorCatalogue.match(sample(pattern)) else { return false }
        return found.entry.pattern.literalLength >= min(MessagePattern(pattern).literalLength, 8)
    }

    /// A message of the pattern's shape with sample values (`{}` → `a1`, `a2` …).
    static func sample(_ pattern: String) -> String {
        var out = ""
        var n = 0
        var rest = Substring(pattern)
        while let range = rest.range(of: "{}") {
            n += 1
            out += rest[..<range.lowerBound] + "a\(n)"
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}

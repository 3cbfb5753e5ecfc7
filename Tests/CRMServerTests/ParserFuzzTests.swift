import Foundation
import Logging
import PostgresClient
import TestSupport
import Testing

@testable import HTTPAPI

/// A bounded, seeded fuzz of the request parsers (a property test: thousands of generated inputs
/// a run, the same ones for the same seed). The properties: no input ends the process (a crash
/// ends the test run), and whatever the parsers accept PostgreSQL accepts too — a value that
/// passes validation but fails its cast in SQL would be a 500.
@Suite("Parser fuzzing", .stopsItsServers) struct ParserFuzzTests {
    /// The seed: `CRM_FUZZ_SEED` to replay a failure, else a fixed one (CI stays repeatable).
    static let seed = UInt64(ProcessInfo.processInfo.environment["CRM_FUZZ_SEED"] ?? "") ?? 20261203

    @Test("list query parameters: no crash, and every accepted query runs in PostgreSQL")
    func listQueries() async throws {
        let server = try await RunningServer.start()
        let owner = try await OwnerConnection.open(server)
        defer { owner.close() }
        var random = SeededRandom(seed: Self.seed)
        var accepted = 0
        var failures: [String] = []
        for _ in 0..<4000 {
            let resource = Resource.all.randomElement(using: &random)!
            let parameters = (0..<Int.random(in: 1...3, using: &random)).map { _ in FuzzText.parameter(for: resource, &random) }
            let query = ResourceListQuery(resource: resource, parameters: parameters)
            guard query.problems.isEmpty else { continue }
            accepted += 1
            for text in [query.pageQuery(), query.countQuery()] {
                do {
                    _ = try await owner.query(text.builder.query(text.sql))
                } catch let error as PostgresError {
                    failures.append("\(resource.path) \(parameters): \(error.sqlState ?? "?") \(error.message)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
        #expect(accepted > 200, "the generator should produce valid queries too (\(accepted))")
        try await server.stop()
    }

    @Test("field values: whatever a field type accepts casts in PostgreSQL to its SQL type")
    func fieldValues() async throws {
        let server = try await RunningServer.start()
        let owner = try await OwnerConnection.open(server)
        defer { owner.close() }
        let types: [FieldType] = [
            .integer(1...Int64.max), .integer(0...100), .reference(table: "crm.deals"), .money, .quantity, .decimal, .date,
            .timestamp, .boolean, .duration, .currency,
        ]
        var random = SeededRandom(seed: Self.seed &+ 1)
        var accepted = 0
        var failures: [String] = []
        for _ in 0..<6000 {
            let type = types.randomElement(using: &random)!
            let value = Bool.random(using: &random) ? FuzzText.value(&random) : FuzzText.value(near: type, &random)
            guard case .success(let normalised) = type.parse(text: value, required: false) else { continue }
            accepted += 1
            do {
                _ = try await owner.query(
                    PostgresQuery(sql: "select $1::\(type.sqlType)", bindings: [PostgresBinding(text: normalised, type: .text)]))
            } catch let error as PostgresError {
                failures.append("\(type.sqlType) '\(value)' → '\(normalised)': \(error.sqlState ?? "?") \(error.message)")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
        #expect(accepted > 500, "\(accepted)")
        try await server.stop()
    }
}

/// Texts near the valid ones: real names and values, mutated.
enum FuzzText {
    static let operators = ["", "gte", "gt", "lte", "lt", "null", "eq", "in", "gte.gte", "NULL", "Gte"]
    static let oddKeys = ["", ".", "..", "x", "ид", "\0", "%", " ", "a\0b", "id.", ".gte", "😀", "sort.", "limit.gte"]
    static let samples = [
        "2026-11-23T10:00:00+03:00", "2026-11-23 10:00:00.123456+00", "1510-01-24T03:13:45-17:47", "2026-02-29T00:00:00Z",
        "2024-02-29T23:59:59.999999-12:00", "0001-01-01T00:00:00+15:59", "9999-12-31T23:59:59+14:00", "2026-11-23",
        "1500.50", "0", "-1", "000000000000001.5", "9999999999999999.99", "99999999999999999", "1e5", "0.001", "-0.000",
        "1", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "true", "false", "RUB", "rub",
        "2 days", "P2D", "PT4H", "9999 weeks", "P9999W", "infinity", "Infinity", "NaN", "Москва", "", " ", "\0",
        "'; drop table crm.deals; --", "%", "\\", "\"", "1,2", "{1,2}", "-created_at", "id", "amount",
    ]
    static let alphabet: [Character] = [
        "0", "9", "1", "-", "+", ":", ".", "T", " ", "Z", "\0", "я", "e", "E", "/", "'", "\"", "\\", "%", "P", "D", "W", "H", "M",
    ]

    static func key(for resource: Resource, _ random: inout SeededRandom) -> String {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return oddKeys.randomElement(using: &random)!
        case 1: return ResourceListQuery.reserved.randomElement(using: &random)!
        case 2, 3:
            let field = resource.fields.randomElement(using: &random)!.name
            let op = operators.randomElement(using: &random)!
            return op.isEmpty ? field : "\(field).\(op)"
        default:
            // A filter the resource has, with an operator it allows.
            guard let field = resource.fields.filter({ $0.filter != .none }).randomElement(using: &random) else { return "id" }
            var allowed = [""]
            if field.filter == .range { allowed += ["gte", "gt", "lte", "lt"] }
            if field.nullable { allowed.append("null") }
            let op = allowed.randomElement(using: &random)!
            return op.isEmpty ? field.name : "\(field.name).\(op)"
        }
    }

    /// A parameter: mostly a filter of the resource with a value near its type's, sometimes odd.
    static func parameter(for resource: Resource, _ random: inout SeededRandom) -> (key: String, value: String) {
        let key = key(for: resource, &random)
        let name = String(key.split(separator: ".", omittingEmptySubsequences: false).first ?? "")
        if key.hasSuffix(".null") { return (key, ["true", "false", "x"].randomElement(using: &random)!) }
        if let field = resource.field(name), Int.random(in: 0..<4, using: &random) > 0 {
            return (key, value(near: field.type, &random))
        }
        return (key, value(&random))
    }

    /// A valid value of `type`, mutated now and then.
    static func value(near type: FieldType, _ random: inout SeededRandom) -> String {
        let pool: [String]
        switch type {
        case .integer, .reference: pool = ["1", "42", "100", "0", "9223372036854775807", "007"]
        case .money: pool = ["1500.50", "0", "000012.5", "9999999999999999.99", "0.01"]
        case .quantity: pool = ["1", "0.001", "999999999999999.999", "12.5"]
        case .decimal: pool = ["-1.5", "0", "-999999999999999.999"]
        case .date: pool = ["2026-11-23", "0001-01-01", "2024-02-29", "9999-12-31"]
        case .timestamp:
            pool = [
                "2026-11-23T10:00:00+03:00", "2026-11-23 10:00:00.123456+00", "0001-01-01T00:00:00+15:59",
                "9999-12-31T23:59:59-15:59", "2024-02-29T23:59:59.999999Z", "1510-01-24T03:13:45+02:30:17",
            ]
        case .boolean: pool = ["true", "false"]
        case .currency: pool = ["RUB", "USD", "EUR"]
        case .choice(let allowed): pool = allowed
        case .duration: pool = ["2 days", "P2D", "PT4H", "P1W", "30 minutes", "9999 weeks"]
        case .code: pool = ["abc", "field_1"]
        default: pool = ["Москва", "ООО «Ромашка»", "a"]
        }
        let chosen = pool.randomElement(using: &random)!
        return Int.random(in: 0..<3, using: &random) == 0 ? mutated(chosen, &random) : chosen
    }

    static func value(_ random: inout SeededRandom) -> String {
        mutated(samples.randomElement(using: &random)!, &random)
    }

    static func mutated(_ sample: String, _ random: inout SeededRandom) -> String {
        var text = Array(sample)
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !text.isEmpty: text.remove(at: Int.random(in: 0..<text.count, using: &random))
            case 1: text.insert(alphabet.randomElement(using: &random)!, at: Int.random(in: 0...text.count, using: &random))
            case 2 where !text.isEmpty:
                let at = Int.random(in: 0..<text.count, using: &random)
                if text[at].isNumber { text[at] = Character(String(Int.random(in: 0...9, using: &random))) }
            case 3: text.insert(contentsOf: "0000", at: 0)
            default: break
            }
        }
        return String(text)
    }
}

import Foundation
import TestSupport
import Testing

@testable import HTTPAPI

/// The JSON parser (`JSONValue.parse`) and the body checks behind it, without a database: a
/// seeded fuzz of mutated bodies (no input crashes the parser or the validation) and what the
/// parser answers for the inputs that matter.
@Suite("JSON parser")
struct JSONParserTests {
    /// The seed: `CRM_FUZZ_SEED` to replay a failure, else a fixed one (CI stays repeatable).
    static let seed = UInt64(ProcessInfo.processInfo.environment["CRM_FUZZ_SEED"] ?? "") ?? 20261203

    @Test("JSON bodies: mutated bytes never crash the parser or the validation")
    func jsonBodies() {
        let samples = [
            #"{"title": "Поставка «Муки»", "amount": "1500.50", "custom_fields": {"a": [1, 2.5e3, null, true]}}"#,
            #"{"phones": ["+7 495 123-45-67"], "emails": ["a@b.ru"], "name": "\u0041\ud83d\ude00"}"#,
            #"[{"x": {}}, [], "", 0, -0.0, 1e400]"#,
        ]
        var random = SeededRandom(seed: Self.seed &+ 2)
        var parsed = 0
        for _ in 0..<20000 {
            var bytes = Array(samples.randomElement(using: &random)!.utf8)
            for _ in 0..<Int.random(in: 1...6, using: &random) { Self.mutate(&bytes, &random) }
            guard let value = try? JSONValue.parse(bytes) else { continue }
            parsed += 1
            _ = RequestInput.nulPlaces(in: value, at: "")
            let resource = Resource.all.randomElement(using: &random)!
            _ = ResourceBody(resource: resource, mode: .create).validate(value)
            _ = ResourceBody(resource: resource, mode: .update).validate(value)
        }
        #expect(parsed > 1000, "\(parsed)")
    }

    static func mutate(_ bytes: inout [UInt8], _ random: inout SeededRandom) {
        let specials: [UInt8] = Array("{}[]\",:\\u0e-+. ".utf8) + [0, 0xff, 0xc3, 0x80]
        switch Int.random(in: 0..<4, using: &random) {
        case 0 where !bytes.isEmpty: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random))
        case 1: bytes.insert(specials.randomElement(using: &random)!, at: Int.random(in: 0...bytes.count, using: &random))
        case 2 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
        default:
            if bytes.count > 2 {
                let start = Int.random(in: 0..<bytes.count, using: &random)
                let end = min(bytes.count, start + Int.random(in: 1...8, using: &random))
                bytes.insert(contentsOf: bytes[start..<end], at: start)
            }
        }
    }
}

import Foundation
import PostgresClient

/// One `mode=import`: the file read by `CommerceMLReader` on a thread of its own, its items
/// written as they come, all in one transaction of the exchange account — a file that fails
/// anywhere (bad XML, an unknown version, a row the rules refuse) changes nothing and can be
/// imported again. Idempotent by the 1C ids: the database writes a row only when it differs.
struct ExchangeImport: Sendable {
    let type: String

    struct Counts: Sendable {
        var values: [String: Int] = [:]
        mutating func add(_ key: String, _ result: String) {
            values[key + "_" + result, default: 0] += 1
        }
        var summary: String {
            values.isEmpty ? "nothing to import" : values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        var json: String {
            "{" + values.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    /// Set from the consumer when it stops (an error, a cancelled request): the parse ends.
    final class Stop: @unchecked Sendable {
        private let lock = NSLock()
        private var stopped = false
        func set() { lock.withLock { stopped = true } }
        var isSet: Bool { lock.withLock { stopped } }
    }

    struct Stopped: Error {}

    /// How many parsed items may wait for the database at once.
    static let window = 256

    func run(file: URL, scope: RequestScope) async throws -> Counts {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: CommerceMLItem.self)
        let stop = Stop()
        // At most `window` items wait for the database: the parse (on its own thread) waits
        // for the transaction, so memory stays flat however large the file.
        // (Made at 0 and raised: libdispatch traps when a semaphore is freed below its initial value.)
        let window = DispatchSemaphore(value: 0)
        for _ in 0..<Self.window { window.signal() }
        continuation.onTermination = { _ in stop.set() }
        Thread.detachNewThread {
            do {
                try CommerceMLReader.read(url: file) { item in
                    while window.wait(timeout: .now() + .milliseconds(200)) == .timedOut {
                        if stop.isSet { throw Stopped() }
                    }
                    if stop.isSet { throw Stopped() }
                    continuation.yield(item)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        let type = self.type
        return try await scope.transaction { connection, _ in
            let settings = try await connection.query("select crm_api.exchange_settings() ->> 'price_type'")[0].decode(String?.self, at: 0)
            var counts = Counts()
            var priceTypes: [String: String] = [:]
            var seen: [String] = []
            var full = false
            for try await item in stream {
                window.signal()
                switch item {
                case .group(let id, let name, let parent):
                    let result = try await connection.query("select crm_api.exchange_group(\(id), \(name), \(parent))")[0].decode(
                        String.self, at: 0)
                    counts.add("groups", result)
                case .catalog(let onlyChanges):
                    full = !onlyChanges
                case .product(let product):
                    if product.deleted {
                        counts.add("products", "deleted")
                        continue
                    }
                    let result = try await connection.query(
                        """
                        select crm_api.exchange_product(\(product.id), \(product.article), \(product.name), \(product.unit), \(product.group))
                        """)[0].decode(String.self, at: 0)
                    counts.add("products", result)
                    seen.append(product.id)
                case .catalogEnd:
                    if full {
                        let n = try await connection.query("select crm_api.exchange_deactivate_missing(\(seen))")[0].decode(Int.self, at: 0)
                        if n > 0 { counts.values["products_deactivated", default: 0] += n }
                    }
                case .priceType(let id, let name, _):
                    priceTypes[id] = name
                case .offer(let offer):
                    let price =
                        settings.flatMap { wanted in offer.prices.first { $0.priceTypeID.flatMap { priceTypes[$0] } == wanted } }
                        ?? offer.prices.first
                    let result = try await connection.query(
                        """
                        select crm_api.exchange_offer(\(offer.id), \(price?.perUnit)::numeric, \(price?.currency), \(offer.quantity)::numeric)
                        """)[0].decode(String.self, at: 0)
                    counts.add("offers", result)
                case .document(let document):
                    guard type == "sale" else {
                        counts.add("documents", "skipped")
                        continue
                    }
                    let r = document.requisites
                    let result = try await connection.query(
                        """
                        select crm_api.exchange_order_update(\(document.id), \(document.number), \(r["Номер по 1С"].flatMap(Self.nonEmpty)),
                          \(r["Статус заказа"].flatMap(Self.nonEmpty)), \(r["Дата оплаты по 1С"].flatMap(Self.day))::date,
                          \(r["Дата отгрузки по 1С"].flatMap(Self.day))::date, \(document.amount)::numeric)
                        """)[0].decode(String.self, at: 0)
                    guard result == "unknown" else {
                        counts.add("orders", result)
                        continue
                    }
                    // An order made in 1C: its counterparty by ИНН+КПП (or a new client), a new deal.
                    let encoder = JSONEncoder()
                    let buyer = String(
                        decoding: try encoder.encode(document.counterparty ?? CommerceMLDocument.Counterparty()), as: UTF8.self)
                    let lines = String(decoding: try encoder.encode(document.lines), as: UTF8.self)
                    let created = try await connection.query(
                        """
                        select crm_api.exchange_order_create(\(document.id), \(document.number), \(document.currency), \(buyer)::jsonb,
                          \(lines)::jsonb, \(r["Номер по 1С"].flatMap(Self.nonEmpty)), \(r["Статус заказа"].flatMap(Self.nonEmpty)),
                          \(r["Дата оплаты по 1С"].flatMap(Self.day))::date, \(r["Дата отгрузки по 1С"].flatMap(Self.day))::date,
                          \(document.amount)::numeric)
                        """)[0].decode(String.self, at: 0)
                    counts.add("orders", created)
                }
            }
            return counts
        }
    }

    static func nonEmpty(_ text: String) -> String? {
        let clean = text.trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? nil : clean
    }

    /// A 1C date (`2026-12-03T10:15:00`, `2026-12-03` or `03.12.2026 10:15:00`) as `YYYY-MM-DD`;
    /// nil for an empty one (1C's empty date is year 0001).
    static func day(_ text: String) -> String? {
        let clean = text.trimmingCharacters(in: .whitespaces)
        if let m = clean.prefixMatch(of: #/([0-9]{4})-([0-9]{2})-([0-9]{2})/#) {
            return m.1 == "0001" ? nil : "\(m.1)-\(m.2)-\(m.3)"
        }
        if let m = clean.prefixMatch(of: #/([0-9]{2})\.([0-9]{2})\.([0-9]{4})/#) {
            return m.3 == "0001" ? nil : "\(m.3)-\(m.2)-\(m.1)"
        }
        return nil
    }
}

/// A bounded least-recently-used map from (SQL, parameter types) to server statement names.
struct PreparedStatementCache {
    struct Key: Hashable {
        var sql: String
        var types: [UInt32]
    }

    private var entries: [Key: (name: String, lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0
    private var counter = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { entries.count }

    mutating func lookup(_ key: Key) -> String? {
        guard let entry = entries[key] else { return nil }
        clock += 1
        entries[key] = (entry.name, clock)
        return entry.name
    }

    /// A fresh statement name (not yet cached).
    mutating func makeName() -> String {
        counter += 1
        return "pgclient_\(counter)"
    }

    /// Caches `name`; returns the name of an evicted statement to DEALLOCATE, if any.
    mutating func insert(_ key: Key, name: String) -> String? {
        var evicted: String?
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            entries[oldest.key] = nil
            evicted = oldest.value.name
        }
        clock += 1
        entries[key] = (name, clock)
        return evicted
    }

    mutating func remove(_ key: Key) { entries[key] = nil }
    mutating func removeAll() { entries.removeAll() }
}

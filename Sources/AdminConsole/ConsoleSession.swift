/// The state of one client connection, shared by the commands it runs.
public actor ConsoleSession {
    /// A number identifying the connection in logs, unique per server run.
    public nonisolated let id: UInt64
    /// The client's IP address, or `local` for a unix socket client.
    public nonisolated let peer: String
    /// Values stored by commands for later commands on the same connection (e.g. the authenticated user).
    public private(set) var attributes: [String: any Sendable] = [:]

    /// Creates a session.
    public init(id: UInt64, peer: String) {
        self.id = id
        self.peer = peer
    }

    /// The attribute stored under `key`, if it holds a `Value`.
    public func attribute<Value: Sendable>(_ key: String, as type: Value.Type = Value.self) -> Value? {
        attributes[key] as? Value
    }

    /// Stores `value` under `key`; `nil` removes the attribute.
    public func setAttribute(_ key: String, to value: (any Sendable)?) {
        attributes[key] = value
    }

    /// Removes every attribute.
    public func removeAllAttributes() {
        attributes.removeAll()
    }
}

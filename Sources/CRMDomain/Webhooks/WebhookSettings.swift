import AccessControl

/// Timing of outbound webhook deliveries.
public struct WebhookSettings: Sendable, Equatable {
    /// How often due deliveries (retries) are looked for, besides NOTIFY crm_events.
    public var scanInterval: Duration = .seconds(1)
    /// The first retry waits this long; each next one twice as long …
    public var backoffBase: Duration = .seconds(1)
    /// … but never longer than this.
    public var backoffCap: Duration = .seconds(300)
    /// After this many attempts a delivery is marked failed.
    public var maxAttempts: Int = 10
    /// One POST may take this long (connect, send, answer).
    public var requestTimeout: Duration = .seconds(10)
    /// How long a claimed delivery is reserved for its dispatcher (longer than the timeout).
    public var lease: Duration = .seconds(60)
    /// Deliveries sent at once.
    public var batchSize: Int = 16
    /// Non-public networks (loopback, private, link-local) deliveries may nevertheless go to
    /// (`--webhook-allow-network`); every other such destination is refused (`DestinationGuard`).
    public var allowedNetworks: [IPNetwork] = []

    public init() {}
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}

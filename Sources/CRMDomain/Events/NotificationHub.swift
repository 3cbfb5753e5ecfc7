/// The connected event streams of this server process, by user: the one notification listener
/// of the process (`NOTIFY crm_notifications`) hands each notification id here, and the hub
/// wakes that user's streams. It carries ids only; each stream reads the row itself, under
/// its user's rules.
public actor NotificationHub {
    /// What wakes a stream.
    public enum Signal: Sendable, Equatable {
        /// Notification `id` of the stream's user was committed.
        case notification(Int64)
        /// Time for a heartbeat (and a re-check of the session).
        case heartbeat
    }

    /// A stream's registration: its signals, and its id for `unsubscribe`.
    public struct Subscription: Sendable {
        public let id: UInt64
        public let userID: Int64
        public let signals: AsyncStream<Signal>
        let continuation: AsyncStream<Signal>.Continuation

        /// Wakes the stream for a heartbeat.
        public func heartbeat() { continuation.yield(.heartbeat) }
        /// Ends the stream's signals (graceful shutdown): its loop finishes.
        public func finish() { continuation.finish() }
    }

    private var streams: [Int64: [UInt64: AsyncStream<Signal>.Continuation]] = [:]
    private var nextID: UInt64 = 0
    private var isClosed = false

    public init() {}

    /// Registers a stream of `userID`. After `close()`, the subscription's signals end at once.
    /// The streams subscribed now.
    public var subscriberCount: Int { streams.values.reduce(0) { $0 + $1.count } }

    public func subscribe(userID: Int64) -> Subscription {
        let (signals, continuation) = AsyncStream<Signal>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        nextID += 1
        let subscription = Subscription(id: nextID, userID: userID, signals: signals, continuation: continuation)
        if isClosed {
            continuation.finish()
        } else {
            streams[userID, default: [:]][nextID] = continuation
        }
        return subscription
    }

    public func unsubscribe(_ subscription: Subscription) {
        subscription.continuation.finish()
        streams[subscription.userID]?[subscription.id] = nil
        if streams[subscription.userID]?.isEmpty == true { streams[subscription.userID] = nil }
    }

    /// Wakes every stream of `userID` for notification `id`.
    public func deliver(notificationID id: Int64, userID: Int64) {
        for continuation in streams[userID]?.values ?? [:].values {
            continuation.yield(.notification(id))
        }
    }

    /// Wakes every stream to catch up (after the listener lost its connection for a while).
    public func wakeAll() {
        for continuation in streams.values.flatMap(\.values) {
            continuation.yield(.heartbeat)
        }
    }

    /// Ends every stream, now and later (the server is stopping).
    public func close() {
        isClosed = true
        for continuation in streams.values.flatMap(\.values) {
            continuation.finish()
        }
        streams = [:]
    }

    /// How many streams are connected (for tests and logs).
    public var count: Int { streams.values.reduce(0) { $0 + $1.count } }
}

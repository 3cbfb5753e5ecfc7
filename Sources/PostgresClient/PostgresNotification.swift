/// A message delivered by NOTIFY.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel name.
    public var channel: String
    /// The payload ("" when none was given).
    public var payload: String
    /// The process id of the notifying server backend.
    public var pid: Int32

    public init(channel: String, payload: String, pid: Int32) {
        self.channel = channel
        self.payload = payload
        self.pid = pid
    }
}

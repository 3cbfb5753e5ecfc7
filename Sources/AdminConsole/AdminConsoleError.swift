/// Why the admin console could not run.
public enum AdminConsoleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The listening socket could not be opened, e.g. because the port is taken.
    case bindFailed(address: String, reason: String)
    /// The server went away before it ever listened.
    case stoppedBeforeListening

    /// One line fit for a log or a terminal.
    public var description: String {
        switch self {
        case .bindFailed(let address, let reason):
            "cannot listen on \(address) for the admin console: \(reason)"
        case .stoppedBeforeListening:
            "the admin console stopped before it started listening"
        }
    }
}

/// A configuration value that cannot be used, named with where it came from.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "configuration error: \(message)" }
}

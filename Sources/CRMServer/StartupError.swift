import AdminConsole
import NIOCore

/// Turns a failure while starting or running the server into one line for the operator.
public enum StartupError {
    public static func describe(_ error: any Error, configuration: ServerConfiguration) -> String {
        if let io = error as? IOError {
            let reason: String
            switch io.errnoCode {
            case 98: reason = "address already in use"
            case 13: reason = "permission denied"
            case 99: reason = "address not available on this machine"
            default: reason = io.description
            }
            return "cannot listen on \(configuration.httpHost):\(configuration.httpPort) for HTTP: \(reason)"
        }
        if let socketError = error as? SocketAddressError {
            return "cannot resolve the HTTP host '\(configuration.httpHost)': \(socketError)"
        }
        return "\(error)"
    }
}

import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Short, lower-case explanations of why a listening socket could not be opened.
enum BindErrorDescription {
    /// `address already in use`, `permission denied`, ... for `error`.
    static func reason(for error: any Error) -> String {
        switch error {
        case let error as IOError:
            return describe(errno: error.errnoCode)
        case let error as SocketAddressError.UnknownHost:
            return "cannot resolve host '\(error.host)'"
        case SocketAddressError.unixDomainSocketPathTooLong:
            return "the socket path is too long"
        case is UnixDomainSocketPathWrongType:
            return "the path exists and is not a socket"
        default:
            return "\(error)"
        }
    }

    /// The C library's message for `code`, starting lower-case: `address already in use`.
    static func describe(errno code: CInt) -> String {
        guard let message = strerror(code) else { return "error \(code)" }
        let text = String(cString: message)
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}

import Foundation

/// Checks a database URL or libpq conninfo before any connection is tried, so a typo is
/// reported as a configuration error, not as a connection failure.
enum DatabaseURL {
    static func validate(_ value: String, origin: String) throws {
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            guard !value.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 32 } == true }),
                let components = URLComponents(string: value)
            else {
                throw ConfigurationError("\(origin) is not a parsable URL (check for spaces or unescaped characters)")
            }
            if let port = components.port, !(1...65535).contains(port) {
                throw ConfigurationError("\(origin) has port \(port) out of range")
            }
            let path = components.path
            if path.count > 1 && path.dropFirst().contains("/") {
                throw ConfigurationError("\(origin) has a database path with '/' in it")
            }
            return
        }
        if value.contains("://") {
            let scheme = value.components(separatedBy: "://")[0]
            throw ConfigurationError("\(origin) has scheme '\(scheme)'; use postgresql://user@host:port/database")
        }
        // A libpq key=value string: every word must be key=value.
        let words = value.split(whereSeparator: \.isWhitespace)
        guard !words.isEmpty, words.allSatisfy({ $0.contains("=") && !$0.hasPrefix("=") }) || value.contains("'") else {
            throw ConfigurationError("\(origin) is neither a postgresql:// URL nor a 'key=value' connection string")
        }
    }
}

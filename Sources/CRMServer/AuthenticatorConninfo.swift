import Foundation

/// The connection string of the server's runtime login: the configured database, but as the
/// role `crm_authenticator`, which has no table rights of its own. Migrations keep using the
/// configured (owner) login. With password authentication, give crm_authenticator's password
/// through libpq's password file (PGPASSFILE).
enum AuthenticatorConninfo {
    static let role = "crm_authenticator"

    static func make(from conninfo: String) -> String {
        if conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://"),
            var components = URLComponents(string: conninfo)
        {
            components.user = role
            components.password = nil
            return components.string ?? conninfo
        }
        // In a key=value string the last occurrence of a keyword wins.
        return conninfo + " user=" + role
    }
}

import Logging
import NIOPosix
import PostgresClient

/// The shipped processes (`crm_private.install_preset`, sql/270): installed by
/// `crm preset install NAME` and, all of them, with the demo company.
public enum Presets {
    public static let names = ["purchase", "b2b_sale", "typical_sale"]

    /// Installs one preset as the database owner; returns its pipeline id.
    public static func install(_ name: String, conninfo: String, threadPool: NIOThreadPool, logger: Logger) async throws -> Int64 {
        try await OwnerConnection.run(conninfo, threadPool: threadPool, logger: logger) { connection in
            try await connection.query("select crm_private.install_preset(\(name))")[0].decode(Int64.self, at: 0)
        }
    }
}

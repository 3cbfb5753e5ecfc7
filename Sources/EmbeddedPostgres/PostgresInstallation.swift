import Foundation

/// Where the installed PostgreSQL server binaries live.
public struct PostgresInstallation: Sendable {
    /// The folder holding initdb, pg_ctl, postgres and createdb.
    public let binDirectory: String

    public var initdb: String { binDirectory + "/initdb" }
    public var pgCtl: String { binDirectory + "/pg_ctl" }
    public var createdb: String { binDirectory + "/createdb" }

    public init(binDirectory: String) {
        self.binDirectory = binDirectory
    }

    /// Finds the server binaries: an explicit folder, else `pg_config --bindir`, else the newest
    /// `/usr/lib/postgresql/N/bin` (Debian), else `initdb` on the PATH.
    public static func locate(explicit: String? = nil) throws -> PostgresInstallation {
        let fm = FileManager.default
        var searched: [String] = []
        func usable(_ dir: String) -> Bool {
            searched.append(dir)
            return fm.isExecutableFile(atPath: dir + "/initdb") && fm.isExecutableFile(atPath: dir + "/pg_ctl")
                && fm.isExecutableFile(atPath: dir + "/postgres")
        }
        if let explicit {
            if usable(explicit) { return PostgresInstallation(binDirectory: explicit) }
            throw ClusterError.binariesNotFound(searched: searched)
        }
        let debianRoot = "/usr/lib/postgresql"
        let versions = ((try? fm.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap { Int($0) }
            .sorted(by: >)
        for version in versions where usable("\(debianRoot)/\(version)/bin") {
            return PostgresInstallation(binDirectory: "\(debianRoot)/\(version)/bin")
        }
        for pgConfig in ["/usr/bin/pg_config", "/usr/local/bin/pg_config"] where fm.isExecutableFile(atPath: pgConfig) {
            if let out = try? CommandRunner.run(pgConfig, ["--bindir"]), out.status == 0 {
                let dir = out.output.trimmingCharacters(in: .whitespacesAndNewlines)
                if usable(dir) { return PostgresInstallation(binDirectory: dir) }
            }
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":").map(String.init) where usable(dir) {
            return PostgresInstallation(binDirectory: dir)
        }
        throw ClusterError.binariesNotFound(searched: searched)
    }
}

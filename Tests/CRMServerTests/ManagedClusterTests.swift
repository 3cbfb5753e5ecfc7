import EmbeddedPostgres
import Foundation
import Logging
import NIOPosix
import PostgresClient
import TestSupport
import Testing

@Suite struct ManagedClusterTests {
    @Test func startsStopsAndRestartsAPrivateCluster() async throws {
        let base = FileManager.default.temporaryDirectory.path + "/crm-cluster-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let cluster = try ManagedCluster(baseDirectory: base)
        #expect(try cluster.status() == .notInitialized)
        let started = try await TestPostgres.runBlocking { try cluster.start() }
        #expect(started)
        guard case .running = try cluster.status() else {
            Issue.record("cluster not running after start")
            return
        }
        #expect(FileManager.default.fileExists(atPath: cluster.socketDirectory + "/.s.PGSQL.5432"))
        // A second start finds it running and does not claim it.
        #expect(try await TestPostgres.runBlocking { try cluster.start() } == false)
        try await TestPostgres.runBlocking { try cluster.stop() }
        #expect(try cluster.status() == .stopped)
        #expect(try await TestPostgres.runBlocking { try cluster.start() })
        try await TestPostgres.runBlocking { try cluster.stop() }
    }

    @Test(
        "BI logins give their password: over the socket and over the loopback port a wrong one is refused; the server's logins never over TCP"
    )
    func biLoginsNeedTheirPassword() async throws {
        let base = FileManager.default.temporaryDirectory.path + "/crm-cluster-bi-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let port = Int.random(in: 20000...40000)
        let cluster = try ManagedCluster(baseDirectory: base, port: port, listenAddress: "127.0.0.1")
        try await TestPostgres.runBlocking { _ = try cluster.start() }
        defer { try? cluster.stop() }
        let logger = Logger(label: "test.bi-auth")
        let pool = TestPostgres.ownThread()
        func connect(_ conninfo: String) async -> (any Error)? {
            do {
                let connection = try await PostgresConnection.connect(conninfo, threadPool: pool, logger: logger)
                await connection.close()
                return nil
            } catch {
                return error
            }
        }
        let owner = try await PostgresConnection.connect(cluster.conninfo(database: "postgres"), threadPool: pool, logger: logger)
        _ = try await owner.query("create role bi_reader login password 'right-password-123'")
        _ = try await owner.query("create role crm_authenticator login")
        await owner.close()
        let socket = "host=\(cluster.socketDirectory) port=\(port) dbname=postgres"
        let tcp = "host=127.0.0.1 port=\(port) dbname=postgres"
        #expect(await connect("\(socket) user=bi_reader password=wrong-password") != nil)
        #expect(await connect("\(socket) user=bi_reader") != nil)
        #expect(await connect("\(socket) user=bi_reader password=right-password-123") == nil)
        #expect(await connect("\(tcp) user=bi_reader password=wrong-password") != nil)
        #expect(await connect("\(tcp) user=bi_reader password=right-password-123") == nil)
        #expect(await connect("\(tcp) user=\(cluster.superuser)") != nil, "the superuser never over TCP")
        #expect(await connect("\(tcp) user=crm_authenticator") != nil, "the server's login never over TCP")
        #expect(await connect("\(socket) user=crm_authenticator") == nil, "the server's own login over the private socket")
    }

    @Test func unwritableDataFolderIsAClearError() throws {
        #expect {
            _ = try ManagedCluster(baseDirectory: "/proc/crm-cannot-be-here").start()
        } throws: { error in
            "\(error)".contains("/proc/crm-cannot-be-here") && "\(error)".contains("not usable")
        }
    }

    @Test func missingBinariesAreAClearError() throws {
        #expect {
            _ = try ManagedCluster(baseDirectory: "/tmp/x", binDirectory: "/nonexistent/bin")
        } throws: { error in
            "\(error)".contains("PostgreSQL server binaries not found")
        }
    }
}

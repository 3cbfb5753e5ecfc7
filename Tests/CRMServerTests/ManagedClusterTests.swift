import EmbeddedPostgres
import Foundation
import Testing
import TestSupport

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

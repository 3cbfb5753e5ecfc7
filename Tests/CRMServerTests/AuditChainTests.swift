import CRMServer
import Foundation
import Logging
import NIOPosix
import PostgresClient
import TestSupport
import Testing

/// The server keeps the audit chain sealed, writes its head outside the database, and both the
/// server-side check and `crm audit verify` find a tampered entry.
@Suite(.stopsItsServers) struct AuditChainTests {
    let logger = Logger(label: "test.audit")

    @Test func sealerWritesTheHeadAndVerifyFindsTampering() async throws {
        let server = try await RunningServer.start(demo: true)
        // Audited events: a failed and a successful login.
        for password in ["wrong", RunningServer.demoPassword] {
            let body = #"{"login":"manager.msk","password":"\#(password)"}"#
            _ = try await TestPostgres.runBlocking {
                try HTTPTestResponse.fetch(port: server.httpPort, method: "POST", path: "/api/v1/auth/login", body: body)
            }
        }
        let headFile = server.application.auditHeadFile
        var heads: [AuditChain.Head] = []
        for _ in 0..<50 where heads.isEmpty {
            try await Task.sleep(for: .milliseconds(200))
            heads = headFile.read()
        }
        try await server.stop()
        let head = try #require(heads.last, "the sealer wrote no chain head to \(headFile.path)")
        #expect(head.seq > 0)

        let owner = try await PostgresConnection.connect(server.ownerConninfo, threadPool: TestPostgres.ownThread(), logger: logger)
        defer { owner.close() }
        #expect(try await AuditChain.verify(on: owner, recordedHeads: heads) == .intact(entries: try await Self.count(owner)))
        let logins = try await owner.query("select count(*) from audit.log where action in ('login', 'login_failed')")[0].decode(
            Int.self, at: 0)
        #expect(logins == 2)

        // Alter one sealed entry as superuser: verify names it.
        let victim = try await owner.query("select id from audit.log where seq is not null order by seq limit 1 offset 1")[0].decode(
            Int64.self, at: 0)
        try await owner.execute(
            script: """
                alter table audit.log disable trigger user;
                update audit.log set client_ip = '10.9.9.9' where id = \(victim);
                alter table audit.log enable trigger user;
                """)
        guard case .tampered(let badID, _, _) = try await AuditChain.verify(on: owner, recordedHeads: heads) else {
            Issue.record("tampering not detected")
            return
        }
        #expect(badID == victim)

        // The command-line check says so too, with exit status 2.
        let folder = FileManager.default.temporaryDirectory.path + "/crm-audit-cli-" + UUID().uuidString.prefix(6)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await CRMProcess.run(
            ["audit", "verify", "--database-url", server.ownerConninfo, "--data-dir", server.application.configuration.dataDirectory],
            directory: folder)
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("TAMPERED: first bad entry id \(victim)"), "\(result.output)")
    }

    static func count(_ connection: PostgresConnection) async throws -> Int64 {
        try await connection.query("select count(*) from audit.log where seq is not null")[0].decode(Int64.self, at: 0)
    }
}

import Foundation
import PostgresClient

/// The audit log's hash chain as the server sees it: seal new entries, read the head, verify.
/// The chain itself lives in PostgreSQL (`audit.seal`, `audit.verify`, `audit.chain_head`).
public struct AuditChain: Sendable {
    /// The last sealed entry: its position and hash. Written outside the database so that a
    /// chain rewritten inside it (by a superuser) no longer matches.
    public struct Head: Sendable, Equatable, Codable {
        public var seq: Int64
        public var id: Int64
        public var hash: String
    }

    /// The result of a verification.
    public enum Verdict: Sendable, Equatable {
        case intact(entries: Int64)
        case tampered(entryID: Int64?, seq: Int64?, reason: String)
    }

    /// Chains every committed, unsealed entry; returns how many were sealed.
    @discardableResult
    public static func seal(on connection: PostgresConnection) async throws -> Int64 {
        try await connection.query("select audit.seal()", prepared: true)[0].decode(Int64?.self, at: 0) ?? 0
    }

    /// The chain head, or `nil` while nothing is sealed.
    public static func head(on connection: PostgresConnection) async throws -> Head? {
        let row = try await connection.query("select last_seq, last_id, last_hash from audit.chain_head()")[0]
        let (seq, id, hash) = try row.decode((Int64?, Int64?, String?).self)
        guard let seq, let id, let hash, seq > 0 else { return nil }
        return Head(seq: seq, id: id, hash: hash)
    }

    /// Seals, then walks the whole chain; also checks that `recordedHeads` (heads written
    /// outside the database earlier) are still in the chain.
    public static func verify(on connection: PostgresConnection, recordedHeads: [Head] = []) async throws -> Verdict {
        try await seal(on: connection)
        let row = try await connection.query("select first_bad_id, first_bad_seq, reason, checked from audit.verify()")[0]
        let (badID, badSeq, reason, checked) = try row.decode((Int64?, Int64?, String?, Int64?).self)
        if badID != nil || badSeq != nil {
            return .tampered(entryID: badID, seq: badSeq, reason: reason ?? "chain broken")
        }
        for head in recordedHeads {
            let matches = try await connection.query("select audit.verify_head(\(head.seq), \(head.hash))")[0].decode(Bool.self, at: 0)
            if !matches {
                return .tampered(
                    entryID: head.id, seq: head.seq,
                    reason: "the entry recorded outside the database as the chain head no longer matches (the chain was rewritten)")
            }
        }
        return .intact(entries: checked ?? 0)
    }
}

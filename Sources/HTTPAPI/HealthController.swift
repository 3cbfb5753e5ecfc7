import Foundation
import Hummingbird

/// What `/health` reports: the server version and whether the database answers.
public struct HealthReport: Codable, Sendable, Equatable {
    public struct Database: Codable, Sendable, Equatable {
        public var reachable: Bool
        public var schemaVersion: Int?
        public var error: String?

        public init(reachable: Bool, schemaVersion: Int?, error: String? = nil) {
            self.reachable = reachable
            self.schemaVersion = schemaVersion
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case reachable, error
            case schemaVersion = "schema_version"
        }
    }

    public var status: String
    public var version: String
    public var database: Database

    public init(status: String, version: String, database: Database) {
        self.status = status
        self.version = version
        self.database = database
    }
}

/// Checks the database for `/health`.
public protocol HealthChecking: Sendable {
    func checkDatabase() async -> HealthReport.Database
}

/// `GET /health`: 200 when the database answers, 503 when it does not.
public struct HealthController: Sendable {
    let checker: any HealthChecking
    let version: String

    public init(checker: any HealthChecking, version: String) {
        self.checker = checker
        self.version = version
    }

    public func register(on router: Router<CRMRequestContext>) {
        router.get("/health") { _, _ in try await self.health() }
    }

    func health() async throws -> Response {
        let database = await checker.checkDatabase()
        let report = HealthReport(status: database.reachable ? "ok" : "degraded", version: version, database: database)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let data = try JSONEncoder.api.encode(report)
        return Response(
            status: database.reachable ? .ok : .serviceUnavailable, headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

import HTTPAPI
import PostgresClient

/// Answers `/health`'s database question through the pool.
struct DatabaseHealthChecker: HealthChecking {
    let pool: PostgresPool

    func checkDatabase() async -> HealthReport.Database {
        do {
            let rows = try await pool.query(
                "select crm_api.schema_version()")
            return HealthReport.Database(reachable: true, schemaVersion: try rows.first?.decode(Int?.self, at: 0) ?? nil)
        } catch let error as PostgresError {
            return HealthReport.Database(reachable: false, schemaVersion: nil, error: error.kind == .busy ? "busy" : "unreachable")
        } catch {
            return HealthReport.Database(reachable: false, schemaVersion: nil, error: "unreachable")
        }
    }
}

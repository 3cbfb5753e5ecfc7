import Hummingbird
import PostgresClient

/// What a page handler gets: the connection of the request's transaction (run as the user),
/// the user, the texts and formats of their language, the CSRF token and the request.
struct PageContext: Sendable {
    let connection: PostgresConnection
    let user: WebUser
    let texts: Texts
    let csrf: String
    let request: Request
    /// The client's address (as the API takes it).
    let clientIP: String
    /// The session of the request (nil for an API token).
    var sessionID: Int64? = nil

    var format: Formatting { Formatting(language: texts.language) }

    /// A query parameter, trimmed; nil when absent or empty.
    func parameter(_ name: String) -> String? {
        guard let value = request.uri.queryParameters[Substring(name)] else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A whole-number query parameter.
    func int64(_ name: String) -> Int64? { parameter(name).flatMap { Int64($0) } }

    /// Runs `query` and returns its rows.
    func rows(_ query: PostgresQuery) async throws -> PostgresRows {
        try await connection.query(query)
    }
}

/// What a page handler answers: a page in the layout, or a redirect.
enum PageOutput: Sendable {
    case page(title: String, section: Section, body: HTML)
    case redirect(String)
    /// A file to download (a report's CSV).
    case download(filename: String, contentType: String, body: String)

    /// The navigation section a page belongs to (highlighted in the menu).
    enum Section: String, Sendable {
        case board, deals, clients, tasks, planner, reports, profile, admin, none
    }
}

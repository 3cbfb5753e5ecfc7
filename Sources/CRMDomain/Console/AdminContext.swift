import AccessControl
import AdminConsole
import Foundation
import Logging
import PostgresClient

/// A command's refusal with a console error code (`SYNTAX`, `INVALID`, `NOT_FOUND`, `DENIED`, `EXISTS`).
struct ConsoleFailure: Error, Sendable {
    let code: String
    let message: String

    static func syntax(_ usage: String) -> ConsoleFailure { .init(code: "SYNTAX", message: "usage: \(usage)") }
    static func invalid(_ message: String) -> ConsoleFailure { .init(code: "INVALID", message: message) }
    static func notFound(_ message: String) -> ConsoleFailure { .init(code: "NOT_FOUND", message: message) }
    static func denied(_ message: String) -> ConsoleFailure { .init(code: "DENIED", message: message) }
    static func exists(_ message: String) -> ConsoleFailure { .init(code: "EXISTS", message: message) }
}

/// What an administration command is audited with: its name and its arguments, secrets replaced.
struct AdminCommandDetails: Codable, Sendable {
    var command: String
    var arguments: [String]
}

/// One administration command's arguments, with helpers that throw `SYNTAX`/`INVALID`.
struct AdminCall: Sendable {
    let command: String
    let arguments: [String]
    let usage: String

    var count: Int { arguments.count }

    /// Throws `SYNTAX` unless the argument count is in `range`.
    func expect(_ range: ClosedRange<Int>) throws {
        guard range.contains(arguments.count) else { throw ConsoleFailure.syntax(usage) }
    }

    func expect(_ count: Int) throws { try expect(count...count) }

    subscript(_ index: Int) -> String { arguments[index] }

    /// The argument at `index`, if given.
    func optional(_ index: Int) -> String? { arguments.indices.contains(index) ? arguments[index] : nil }

    /// `add` or `remove` (any case) at `index`.
    func addOrRemove(at index: Int) throws -> Bool {
        switch arguments[index].lowercased() {
        case "add": return true
        case "remove": return false
        default: throw ConsoleFailure.syntax(usage)
        }
    }
}

/// What the administration commands share: the authenticator (for AUTH and passwords), the
/// database (every command is one request transaction as the signed-in admin) and the logger.
struct AdminContext: Sendable {
    static let tokenKey = "admin.token"
    static let loginKey = "admin.login"

    let authenticator: Authenticator
    let database: UserDatabase
    let logger: Logger

    /// The client's address as the database sees it: a unix socket client is local (127.0.0.1).
    static func clientIP(of session: ConsoleSession) -> String {
        let peer = session.peer
        return peer == "local" || !IPNetwork.isAddress(peer) ? "127.0.0.1" : peer
    }

    typealias Body = @Sendable (AdminCall, PostgresConnection, Identity) async throws -> ConsoleReply

    /// An administration command: refused before AUTH; otherwise runs `body` in one request
    /// transaction as the signed-in user (admin rights checked by the database first), and audits
    /// itself as `admin_command` with its arguments, those at `secret` positions redacted.
    func command(
        _ name: String, summary: String, usage: String, secret: Set<Int> = [], _ body: @escaping Body
    ) -> ConsoleCommand {
        ConsoleCommand(name, summary: summary, usage: usage) { request, session in
            await self.run(request, session: session, usage: usage, secret: secret, body)
        }
    }

    private func run(
        _ request: ConsoleRequest, session: ConsoleSession, usage: String, secret: Set<Int>, _ body: @escaping Body
    ) async -> ConsoleReply {
        guard let token = await session.attribute(Self.tokenKey, as: String.self) else {
            return .error(code: "NOAUTH", message: "sign in with AUTH login password")
        }
        let call = AdminCall(command: request.command, arguments: request.arguments, usage: usage)
        let arguments = request.arguments.enumerated().map { secret.contains($0.offset) ? "[redacted]" : $0.element }
        let details = AdminCommandDetails(command: request.command, arguments: arguments)
        do {
            return try await database.withRequest(token: token, clientIP: Self.clientIP(of: session)) { connection, identity in
                _ = try await connection.query("select crm_api.require_admin()", prepared: true)
                let reply = try await body(call, connection, identity)
                _ = try await connection.query(
                    "select audit.record_event('admin_command', \(PostgresJSON(details)))", prepared: true)
                return reply
            }
        } catch {
            if case AccessError.unauthenticated = error {
                await session.setAttribute(Self.tokenKey, to: nil)
                await session.setAttribute(Self.loginKey, to: nil)
            }
            return ConsoleErrors.reply(for: error, command: request.command, logger: logger)
        }
    }
}

/// Turns any error of a console command into its reply: the one place errors are mapped.
enum ConsoleErrors {
    static func reply(for error: any Error, command: String, logger: Logger) -> ConsoleReply {
        switch error {
        case let failure as ConsoleFailure:
            return .error(code: failure.code, message: failure.message)
        case let access as AccessError:
            switch access {
            case .invalidCredentials:
                return .error(code: "AUTH", message: "wrong login or password")
            case .unauthenticated:
                return .error(code: "NOAUTH", message: "\(access.description); sign in with AUTH login password")
            case .locked, .loginRefused, .forbidden:
                return .error(code: "DENIED", message: access.description)
            case .totpRequired:
                return .error(code: "TOTP_REQUIRED", message: "\(access.description): AUTH login password code")
            case .totpInvalid, .totpNotStarted:
                return .error(code: "TOTP_INVALID", message: access.description)
            }
        case let database as PostgresError:
            switch database.kind {
            case .insufficientPrivilege:
                return .error(code: "DENIED", message: database.message)
            case .uniqueViolation:
                return .error(code: "EXISTS", message: "already exists (\(database.constraint ?? database.message))")
            case .foreignKeyViolation:
                return .error(code: "INVALID", message: "still in use or refers to nothing: \(database.message)")
            case .checkViolation, .notNullViolation:
                return .error(code: "INVALID", message: database.message)
            case .connectionLost, .busy, .queryCanceled, .serializationFailure, .deadlock:
                logger.warning("console command failed", metadata: ["command": "\(command)", "error": "\(database)"])
                return .error(code: "UNAVAILABLE", message: "the database is busy or unreachable; try again")
            case .other:
                break
            }
            switch database.sqlState ?? "" {
            case "42710":
                return .error(code: "EXISTS", message: database.message)
            case "P0002":
                return .error(code: "NOT_FOUND", message: database.message)
            case let state where state.hasPrefix("22"):
                return .error(code: "INVALID", message: database.message)
            default:
                logger.error("console command failed", metadata: ["command": "\(command)", "error": "\(database)"])
                return .error(code: "INTERNAL", message: "the command failed; see the server log")
            }
        default:
            logger.error("console command failed", metadata: ["command": "\(command)", "error": "\(String(describing: error))"])
            return .error(code: "INTERNAL", message: "the command failed; see the server log")
        }
    }
}

/// The console reads the access model's words case-insensitively and names the choices when one is wrong.
extension AccessVocabulary {
    static func entity(_ text: String) throws -> String {
        try pick(text, from: entities, what: "entity")
    }

    static func action(_ text: String) throws -> String {
        try pick(text, from: actions, what: "action")
    }

    static func scope(_ text: String) throws -> String {
        try pick(text, from: scopes, what: "scope")
    }

    static func pick(_ text: String, from values: [String], what: String) throws -> String {
        let value = text.lowercased()
        guard values.contains(value) else {
            throw ConsoleFailure.invalid("unknown \(what) '\(text)' (one of: \(values.joined(separator: ", ")))")
        }
        return value
    }
}

/// Finding rows by the names an administrator types.
enum Lookup {
    static func userID(_ login: String, on connection: PostgresConnection) async throws -> Int64 {
        let rows = try await connection.query("select id from crm.users where lower(login) = lower(\(login))")
        guard let row = rows.first else { throw ConsoleFailure.notFound("no user '\(login)'") }
        return try row.decode(Int64.self, at: 0)
    }

    static func roleID(_ name: String, on connection: PostgresConnection) async throws -> Int64 {
        let rows = try await connection.query("select id from crm.roles where lower(name) = lower(\(name))")
        guard let row = rows.first else { throw ConsoleFailure.notFound("no role '\(name)'") }
        return try row.decode(Int64.self, at: 0)
    }

    /// A department or territory by name (`#id` also works, for names used twice in the tree).
    static func nodeID(_ name: String, in tree: OrgTree, on connection: PostgresConnection) async throws -> Int64 {
        let rows: PostgresRows
        if name.hasPrefix("#"), let id = Int64(name.dropFirst()) {
            rows = try await connection.query("select id from crm.\(identifier: tree.table) where id = \(id)")
        } else {
            rows = try await connection.query(
                "select id from crm.\(identifier: tree.table) where lower(name) = lower(\(name)) or name = \(name) order by id")
        }
        guard let row = rows.first else { throw ConsoleFailure.notFound("no \(tree.noun) '\(name)'") }
        if rows.count > 1 {
            throw ConsoleFailure.invalid("\(rows.count) \(tree.noun)s are named '\(name)'; name one as #id (see \(tree.word) LIST)")
        }
        return try row.decode(Int64.self, at: 0)
    }
}

extension ConsoleReply {
    /// A table of every row of `rows`, headed by its column names (NULL as an empty cell).
    static func table(_ rows: PostgresRows) -> ConsoleReply {
        let columns = rows.columns.count
        return .table(header: rows.columns, rows: rows.map { row in (0..<columns).map { row[$0] ?? "" } })
    }
}

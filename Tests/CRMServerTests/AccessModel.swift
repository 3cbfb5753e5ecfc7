import CRMServer
import Foundation
import Logging
import PostgresClient
import TestSupport

/// An independent statement of the access rules, written from `docs/security-model.md` and the
/// role table in `sql/090_demo_company.sql` — not from the policies' SQL. The tests compute
/// what each user should see and do from the rows (read as the database owner) and compare
/// with what the server answers.
enum Scope: Int, Comparable, Sendable {
    case none = 0, own, department, territory, all
    static func < (a: Scope, b: Scope) -> Bool { a.rawValue < b.rawValue }
    init(_ text: String) {
        switch text {
        case "own": self = .own
        case "department": self = .department
        case "territory": self = .territory
        case "all": self = .all
        default: self = .none
        }
    }
}

enum Entity: String, CaseIterable, Sendable {
    case client, contact, deal, task
    var path: String { rawValue + "s" }
}

enum Action: String, CaseIterable, Sendable {
    case read, create, update, delete
}

/// The demo roles (the business entities this issue serves), as 090 defines them and 295 widens.
enum DemoRoles {
    static func scope(role: String, entity: Entity, action: Action) -> Scope {
        switch role {
        case "director": return .all
        case "department_head": return .department
        case "manager":
            switch action {
            case .read: return .territory
            case .create, .update: return .own
            case .delete: return .none
            }
        case "junior_manager":
            // Creates and reads his own; works his own tasks and moves his own deals (sql/295).
            if action == .read || action == .create { return .own }
            return action == .update && (entity == .deal || entity == .task) ? .own : .none
        case "purchaser":
            switch action {
            case .read: return .department
            case .create, .update: return .own
            case .delete: return .none
            }
        case "accountant":
            // Reads everything but tasks; works on the tasks given to it (purchase payments).
            if entity == .task { return action == .read || action == .update ? .own : .none }
            return action == .read ? .all : .none
        default: return .none  // admin: no business rights
        }
    }

    static let privateAccess: Set<String> = ["director"]

    /// login → (role, department name, territory names)
    static let users: [String: (role: String, department: String, territories: [String])] = [
        "director": ("director", "Management", ["Russia"]),
        "head.msk": ("department_head", "Moscow sales", ["Central"]),
        "manager.msk": ("manager", "Moscow sales", ["Central"]),
        "junior.msk": ("junior_manager", "Moscow sales", ["Moscow"]),
        "head.spb": ("department_head", "St Petersburg sales", ["North-West"]),
        "manager.spb": ("manager", "St Petersburg sales", ["North-West"]),
        "purchaser": ("purchaser", "Procurement", ["Russia"]),
        "procurement.head": ("department_head", "Procurement", ["Russia"]),
        "accountant": ("accountant", "Accounting", ["Russia"]),
        "admin": ("admin", "Management", []),
    ]

    static let logins = [
        "director", "head.msk", "manager.msk", "junior.msk", "head.spb", "manager.spb", "purchaser", "procurement.head",
        "accountant", "admin",
    ]
}

/// A business row's rule columns.
struct RuleRow: Sendable, Hashable {
    var id: Int64
    var owner: Int64
    /// responsible_id (clients, deals, contacts) or assignee_id (tasks)
    var second: Int64?
    var department: Int64?
    var territory: Int64?
    var isPrivate: Bool
    /// contacts: their client
    var clientID: Int64?
}

struct Share: Sendable, Hashable {
    var entity: String
    var rowID: Int64
    var userID: Int64
    var access: String
}

/// Everything the model needs, read as the database owner.
struct AccessFacts: Sendable {
    var userIDs: [String: Int64] = [:]
    var departmentIDs: [String: Int64] = [:]
    var territoryIDs: [String: Int64] = [:]
    var departmentParents: [Int64: Int64] = [:]
    var territoryParents: [Int64: Int64] = [:]
    var rows: [Entity: [RuleRow]] = [:]
    var shares: [Share] = []
    /// (user, "entity.action") → grant scope, or .none for a denial
    var overrides: [Int64: [String: Scope]] = [:]

    static func load(_ owner: PostgresConnection) async throws -> AccessFacts {
        var facts = AccessFacts()
        for row in try await owner.query("select login, id from crm.users") {
            let (login, id) = try row.decode((String, Int64).self)
            facts.userIDs[login] = id
        }
        for row in try await owner.query("select name, id, parent_id from crm.departments") {
            let (name, id, parent) = try row.decode((String, Int64, Int64?).self)
            facts.departmentIDs[name] = id
            facts.departmentParents[id] = parent
        }
        for row in try await owner.query("select name, id, parent_id from crm.territories") {
            let (name, id, parent) = try row.decode((String, Int64, Int64?).self)
            facts.territoryIDs[name] = id
            facts.territoryParents[id] = parent
        }
        let queries: [Entity: PostgresQuery] = [
            .client: "select id, owner_id, responsible_id, department_id, territory_id, is_private, null::bigint from crm.clients",
            .contact: "select id, owner_id, responsible_id, department_id, territory_id, is_private, client_id from crm.contacts",
            .deal: "select id, owner_id, responsible_id, department_id, territory_id, false, null::bigint from crm.deals",
            .task: "select id, owner_id, assignee_id, department_id, territory_id, false, null::bigint from crm.tasks",
        ]
        for (entity, query) in queries {
            facts.rows[entity] = try await owner.query(query).map {
                let (id, owner, second, department, territory, isPrivate, client) =
                    try $0.decode((Int64, Int64, Int64?, Int64?, Int64?, Bool, Int64?).self)
                return RuleRow(
                    id: id, owner: owner, second: second, department: department, territory: territory, isPrivate: isPrivate,
                    clientID: client)
            }
        }
        facts.shares = try await owner.query("select entity::text, row_id, user_id, access from crm.shares").map {
            let (entity, row, user, access) = try $0.decode((String, Int64, Int64, String).self)
            return Share(entity: entity, rowID: row, userID: user, access: access)
        }
        for row in try await owner.query(
            "select user_id, entity::text || '.' || action::text, effect, scope::text from crm.user_permission_overrides")
        {
            let (user, key, effect, scope) = try row.decode((Int64, String, String, String?).self)
            facts.overrides[user, default: [:]][key] = effect == "deny" ? Scope.none : Scope(scope ?? "none")
        }
        return facts
    }

    /// `root` and everything below it.
    static func subtree(_ roots: [Int64], parents: [Int64: Int64]) -> Set<Int64> {
        var result = Set(roots)
        var changed = true
        while changed {
            changed = false
            for (child, parent) in parents where result.contains(parent) && !result.contains(child) {
                result.insert(child)
                changed = true
            }
        }
        return result
    }

    func user(_ login: String) -> Int64 { userIDs[login]! }

    func scope(_ login: String, _ entity: Entity, _ action: Action) -> Scope {
        let role = DemoRoles.users[login]!.role
        var scope = DemoRoles.scope(role: role, entity: entity, action: action)
        if let override = overrides[user(login)]?["\(entity.rawValue).\(action.rawValue)"] {
            scope = override == .none ? .none : max(scope, override)
        }
        return scope
    }

    func isDenied(_ login: String, _ entity: Entity, _ action: Action) -> Bool {
        overrides[user(login)]?["\(entity.rawValue).\(action.rawValue)"] == Scope.none
    }

    func departments(of login: String) -> Set<Int64> {
        Self.subtree([departmentIDs[DemoRoles.users[login]!.department]!], parents: departmentParents)
    }

    func territories(of login: String) -> Set<Int64> {
        Self.subtree(DemoRoles.users[login]!.territories.map { territoryIDs[$0]! }, parents: territoryParents)
    }

    /// Whether the scope of `login` for `entity.action` covers `row` (with the private-client rule).
    func scopeAdmits(_ login: String, _ entity: Entity, _ action: Action, _ row: RuleRow) -> Bool {
        let uid = user(login)
        let scope = self.scope(login, entity, action)
        var admitted: Bool
        switch scope {
        case .none: admitted = false
        case .all: admitted = true
        case .own, .department, .territory:
            admitted = row.owner == uid || row.second == uid
            if scope >= .department, let department = row.department, departments(of: login).contains(department) { admitted = true }
            if scope >= .territory, let territory = row.territory, territories(of: login).contains(territory) { admitted = true }
        }
        if row.isPrivate && !(DemoRoles.privateAccess.contains(DemoRoles.users[login]!.role) || row.owner == uid) {
            admitted = false
        }
        return admitted
    }

    /// Whether the row (or, for a contact, its client) is shared with the user with `access`.
    func isShared(_ login: String, _ entity: Entity, _ row: RuleRow, write: Bool) -> Bool {
        let uid = user(login)
        if isDenied(login, entity, write ? .update : .read) { return false }
        func shared(_ entityName: String, _ id: Int64?) -> Bool {
            shares.contains { $0.entity == entityName && $0.rowID == id && $0.userID == uid && (!write || $0.access == "write") }
        }
        return shared(entity.rawValue, row.id) || (entity == .contact && shared("client", row.clientID))
    }

    func canRead(_ login: String, _ entity: Entity, _ row: RuleRow) -> Bool {
        scopeAdmits(login, entity, .read, row) || isShared(login, entity, row, write: false)
    }

    func canUpdate(_ login: String, _ entity: Entity, _ row: RuleRow) -> Bool {
        canRead(login, entity, row) && (scopeAdmits(login, entity, .update, row) || isShared(login, entity, row, write: true))
    }

    func canDelete(_ login: String, _ entity: Entity, _ row: RuleRow) -> Bool {
        canRead(login, entity, row) && scopeAdmits(login, entity, .delete, row)
    }

    func visibleIDs(_ login: String, _ entity: Entity) -> Set<Int64> {
        Set((rows[entity] ?? []).filter { canRead(login, entity, $0) }.map(\.id))
    }

    func row(_ entity: Entity, _ id: Int64) -> RuleRow? {
        rows[entity]?.first { $0.id == id }
    }
}

/// The database owner's connection, for arranging and checking what HTTP cannot show.
struct OwnerConnection {
    let connection: PostgresConnection

    static func open(_ server: RunningServer) async throws -> OwnerConnection {
        var logger = Logger(label: "test.owner")
        logger.logLevel = .warning
        return OwnerConnection(
            connection: try await PostgresConnection.connect(
                server.ownerConninfo, threadPool: server.application.pool.threadPool, logger: logger))
    }

    @discardableResult
    func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await connection.query(query)
    }

    func close() { connection.close() }
}

/// JSON helpers for the tests.
enum JSON {
    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    static func ids(_ text: String) -> [Int64] {
        (object(text)["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }
    }

    static func id(_ text: String) -> Int64? {
        (object(text)["id"] as? NSNumber)?.int64Value
    }

    static func errorCode(_ text: String) -> String? {
        (object(text)["error"] as? [String: Any])?["code"] as? String
    }
}

extension RunningServer {
    /// Logs `login` in (optionally through headers such as X-Forwarded-For); the raw response.
    func login(
        _ login: String, password: String = RunningServer.demoPassword, headers: [String: String] = [:]
    ) async throws
        -> HTTPTestResponse
    {
        let body = String(
            decoding: try JSONSerialization.data(withJSONObject: ["login": login, "password": password]), as: UTF8.self)
        return try await request("POST", "/api/v1/auth/login", headers: headers, body: body)
    }

    /// Logs `login` in and returns the bearer token (fails the test otherwise).
    func token(_ login: String, headers: [String: String] = [:]) async throws -> String {
        let response = try await self.login(login, headers: headers)
        guard response.status == 200, let token = JSON.object(response.body)["token"] as? String else {
            throw TestFailure("login \(login): \(response.status) \(response.body)")
        }
        return token
    }

    func call(
        _ method: String, _ path: String, token: String?, body: String? = nil, headers: [String: String] = [:]
    ) async throws -> HTTPTestResponse {
        var headers = headers
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return try await request(method, path, headers: headers, body: body)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import HTTPAPI
import Hummingbird
import PostgresClient

/// `/admin/departments` and `/admin/territories`: the two trees of the organisation with the
/// number of users on each node; add a node under another, move a node (with its branch) under
/// another or to the top. The same statements as the console's `DEPT|TERRITORY ADD|MOVE`
/// (`Sources/CRMServer/Console/OrgCommands.swift`): the name checked free at its level, the new
/// parent checked not to lie inside the moved branch; the database's unique index and its
/// no-cycle trigger hold whatever the path. Administrators only (`crm_api.require_admin`, and
/// the tables' row rules).
struct AdminTreePages: Sendable {
    let runner: PageRunner

    /// One of the two trees.
    struct Tree: Sendable {
        /// The path segment and the table in schema `crm`.
        let name: String
        let title: TextKey
        let node: TextKey
        let addTitle: TextKey
        /// How a node's users are counted.
        let usersSQL: String

        static let departments = Tree(
            name: "departments", title: .adminDepartments, node: .orgNodeDepartment, addTitle: .orgAddDepartment,
            usersSQL: "select department_id as id, count(*) as users from crm.users where active group by 1")
        static let territories = Tree(
            name: "territories", title: .adminTerritories, node: .orgNodeTerritory, addTitle: .orgAddTerritory,
            usersSQL:
                "select ut.territory_id as id, count(*) as users from crm.user_territories ut join crm.users u on u.id = ut.user_id where u.active group by 1"
        )
    }

    /// What a form's outcome is shown as (a fixed key in the address, never a text).
    static let outcomes: [String: (TextKey, Bool)] = [
        "added": (.orgAdded, true), "moved": (.orgMoved, true), "empty": (.orgErrorEmpty, false),
        "exists": (.orgErrorExists, false), "self": (.orgErrorSelf, false), "descendant": (.orgErrorDescendant, false),
        "missing": (.orgErrorNotFound, false),
    ]

    func register(on router: some RouterMethods<CRMRequestContext>) {
        for tree in [Tree.departments, .territories] {
            let path = "/admin/\(tree.name)"
            runner.get(router, RouterPath(path)) { page in try await Self.page(tree, page) }
            runner.post(router, RouterPath(path + "/add")) { page, form in
                _ = try await page.connection.query("select crm_api.require_admin()")
                return .redirect("\(path)?result=\(try await Self.add(tree, form, page.connection))")
            }
            runner.post(router, RouterPath(path + "/move")) { page, form in
                _ = try await page.connection.query("select crm_api.require_admin()")
                return .redirect("\(path)?result=\(try await Self.move(tree, form, page.connection))")
            }
        }
    }

    /// `DEPT|TERRITORY ADD name [parent]`: the outcome's key.
    static func add(_ tree: Tree, _ form: FormBody, _ connection: PostgresConnection) async throws -> String {
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { return "empty" }
        let parentID = form["parent"].flatMap(Int64.init)
        if let parentID, !(try await exists(tree, parentID, connection)) { return "missing" }
        let taken = try await connection.query(
            """
            select exists (select 1 from crm.\(identifier: tree.name)
                           where parent_id is not distinct from \(parentID) and lower(name) = lower(\(name)))
            """)[0].decode(Bool.self, at: 0)
        if taken { return "exists" }
        _ = try await connection.query(
            "insert into crm.\(identifier: tree.name) (name, parent_id) values (\(name), \(parentID)) returning id")
        return "added"
    }

    /// `DEPT|TERRITORY MOVE name parent|-`: the outcome's key.
    static func move(_ tree: Tree, _ form: FormBody, _ connection: PostgresConnection) async throws -> String {
        guard let id = form["node"].flatMap(Int64.init), try await exists(tree, id, connection) else { return "missing" }
        let parentID = form["parent"].flatMap(Int64.init)
        if let parentID {
            if parentID == id { return "self" }
            guard try await exists(tree, parentID, connection) else { return "missing" }
            let underItself = try await connection.query(
                """
                with recursive up as (
                  select id, parent_id from crm.\(identifier: tree.name) where id = \(parentID)
                  union all
                  select t.id, t.parent_id from crm.\(identifier: tree.name) t join up on t.id = up.parent_id
                ) cycle id set is_cycle using path
                select exists (select 1 from up where id = \(id))
                """)[0].decode(Bool.self, at: 0)
            if underItself { return "descendant" }
        }
        let name = try await connection.query("select name from crm.\(identifier: tree.name) where id = \(id)")[0].decode(
            String.self, at: 0)
        let taken = try await connection.query(
            """
            select exists (select 1 from crm.\(identifier: tree.name)
                           where parent_id is not distinct from \(parentID) and lower(name) = lower(\(name)) and id <> \(id))
            """)[0].decode(Bool.self, at: 0)
        if taken { return "exists" }
        let rows = try await connection.query("update crm.\(identifier: tree.name) set parent_id = \(parentID) where id = \(id)")
        if rows.affectedRows == 0 { throw APIError.forbidden("the node could not be changed") }
        return "moved"
    }

    static func exists(_ tree: Tree, _ id: Int64, _ connection: PostgresConnection) async throws -> Bool {
        try await connection.query("select exists (select 1 from crm.\(identifier: tree.name) where id = \(id))")[0].decode(
            Bool.self, at: 0)
    }

    struct Node: Sendable {
        let id: Int64
        let parentID: Int64?
        let name: String
        let path: String
        let depth: Int
        let users: Int
    }

    static func page(_ tree: Tree, _ page: PageContext) async throws -> PageOutput {
        let t = page.texts
        _ = try await page.connection.query("select crm_api.require_admin()")
        // Fixed SQL text: the table and the user count are this type's constants.
        let table = "crm." + PostgresQuery.quoteIdentifier(tree.name)
        let rows = try await page.rows(
            PostgresQuery(
                sql: """
                    with recursive node as (
                      select id, parent_id, name, array[lower(name)] as sort, array[name] as path from \(table) where parent_id is null
                      union all
                      select c.id, c.parent_id, c.name, node.sort || lower(c.name), node.path || c.name
                      from \(table) c join node on c.parent_id = node.id
                    ), users as (\(tree.usersSQL))
                    select n.id, n.parent_id, n.name, array_to_string(n.path, ' / '), cardinality(n.path) - 1, coalesce(u.users, 0)
                    from node n left join users u on u.id = n.id
                    order by n.sort
                    """, bindings: []))
        let nodes = rows.compactMap { row -> Node? in
            guard let id = row[0].flatMap(Int64.init) else { return nil }
            return Node(
                id: id, parentID: row[1].flatMap(Int64.init), name: row[2] ?? "", path: row[3] ?? "",
                depth: Int(row[4] ?? "0") ?? 0, users: Int(row[5] ?? "0") ?? 0)
        }
        let outcome = page.parameter("result").flatMap { Self.outcomes[$0] }
        let notice: HTML = outcome.map { "<p class=\"\($0.1 ? "notice" : "alert")\" id=\"tree-result\">\(t[$0.0])</p>" } ?? .empty
        let options = nodes.map { node -> HTML in "<option value=\"\(node.id)\">\(node.path)</option>" }
        let top: HTML = "<option value=\"\">\(t[.orgTop])</option>"
        let base = "/admin/\(tree.name)"
        let body: HTML = """
            \(AdminPages.tabs(page, active: tree.name))
            \(notice)
            <div class="admin-grid">
              <div class="card">
                <h2>\(t[tree.title])</h2>
                \(Self.render(nodes, parent: nil, texts: t, id: "\(tree.name)-tree"))
                <p class="muted">\(t[.orgHint])</p>
              </div>
              <div class="stack">
                <form method="post" action="\(base)/add" class="card form" id="\(tree.name)-add">
                  <h2>\(t[tree.addTitle])</h2>
                  <input type="hidden" name="_csrf" value="\(page.csrf)">
                  <label>\(t[.name])<input name="name" required maxlength="200" autocomplete="off"></label>
                  <label>\(t[.orgParent])<select name="parent">\(top)\(options)</select></label>
                  <div class="actions"><button type="submit" class="primary">\(t[.orgAdd])</button></div>
                </form>
                <form method="post" action="\(base)/move" class="card form" id="\(tree.name)-move">
                  <h2>\(t[.orgMoveTitle])</h2>
                  <input type="hidden" name="_csrf" value="\(page.csrf)">
                  <label>\(t[tree.node])<select name="node" required>\(options)</select></label>
                  <label>\(t[.orgNewParent])<select name="parent">\(top)\(options)</select></label>
                  <div class="actions"><button type="submit" class="primary">\(t[.orgMove])</button></div>
                </form>
              </div>
            </div>
            """
        return .page(title: t[tree.title], section: .admin, body: body)
    }

    /// The nodes under `parent` as nested lists.
    static func render(_ nodes: [Node], parent: Int64?, texts t: Texts, id: String? = nil) -> HTML {
        let children = nodes.filter { $0.parentID == parent }
        if children.isEmpty { return parent == nil ? "<p class=\"muted\">\(t[.orgEmpty])</p>" : .empty }
        let items = children.map { node -> HTML in
            """
            <li data-node-id="\(node.id)"><span class="node"><span class="node-name">\(node.name)</span> <span class="pill">\(t.format(.orgUsers, ["count": String(node.users)]))</span></span>\(render(nodes, parent: node.id, texts: t))</li>
            """
        }
        return "<ul class=\"tree\"\(HTML(unsafeRaw: id.map { " id=\"\(HTML.escape($0))\"" } ?? ""))>\(items)</ul>"
    }
}

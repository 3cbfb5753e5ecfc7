import AdminConsole
import PostgresClient

/// One of the two trees of the organisation.
struct OrgTree: Sendable {
    /// The console word (`DEPT`, `TERRITORY`).
    let word: String
    /// The table in schema `crm`.
    let table: String
    let noun: String

    static let departments = OrgTree(word: "DEPT", table: "departments", noun: "department")
    static let territories = OrgTree(word: "TERRITORY", table: "territories", noun: "territory")
}

/// `DEPT ADD|LIST|MOVE` and `TERRITORY ADD|LIST|MOVE`.
enum OrgCommands {
    static func make(_ context: AdminContext) -> [ConsoleCommand] {
        [OrgTree.departments, .territories].flatMap { [add(context, $0), list(context, $0), move(context, $0)] }
    }

    static func add(_ context: AdminContext, _ tree: OrgTree) -> ConsoleCommand {
        context.command("\(tree.word) ADD", summary: "Create a \(tree.noun)", usage: "\(tree.word) ADD <name> [parent]") {
            call, connection, _ in
            try call.expect(1...2)
            let name = call[0]
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ConsoleFailure.invalid("the name is empty") }
            var parentID: Int64?
            if let parent = call.optional(1) { parentID = try await Lookup.nodeID(parent, in: tree, on: connection) }
            let taken = try await connection.query(
                """
                select exists (select 1 from crm.\(identifier: tree.table)
                               where parent_id is not distinct from \(parentID) and lower(name) = lower(\(name)))
                """)[0].decode(Bool.self, at: 0)
            if taken { throw ConsoleFailure.exists("\(tree.noun) '\(name)' already exists there") }
            let id = try await connection.query(
                "insert into crm.\(identifier: tree.table) (name, parent_id) values (\(name), \(parentID)) returning id")[0]
                .decode(Int64.self, at: 0)
            return .ok("\(tree.noun) \(name) created (id \(id))")
        }
    }

    static func list(_ context: AdminContext, _ tree: OrgTree) -> ConsoleCommand {
        context.command(
            "\(tree.word) LIST", summary: "List \(tree.noun == "territory" ? "territories" : "departments") as a tree",
            usage: "\(tree.word) LIST"
        ) { call, connection, _ in
            try call.expect(0)
            return .table(
                try await connection.query(
                    """
                    with recursive node as (
                      select id, parent_id, name, array[name] as path from crm.\(identifier: tree.table) where parent_id is null
                      union all
                      select c.id, c.parent_id, c.name, node.path || c.name
                      from crm.\(identifier: tree.table) c join node on c.parent_id = node.id
                    )
                    select n.id::text as id, n.name, coalesce(p.name, '-') as parent, array_to_string(n.path, ' / ') as path
                    from node n left join crm.\(identifier: tree.table) p on p.id = n.parent_id
                    order by n.path
                    """))
        }
    }

    static func move(_ context: AdminContext, _ tree: OrgTree) -> ConsoleCommand {
        context.command(
            "\(tree.word) MOVE", summary: "Move a \(tree.noun) under another (- for the top)",
            usage: "\(tree.word) MOVE <name> <new parent>|-"
        ) { call, connection, _ in
            try call.expect(2)
            let id = try await Lookup.nodeID(call[0], in: tree, on: connection)
            var parentID: Int64?
            if call[1] != "-" { parentID = try await Lookup.nodeID(call[1], in: tree, on: connection) }
            if parentID == id { throw ConsoleFailure.invalid("a \(tree.noun) cannot be its own parent") }
            if let parentID {
                let underItself = try await connection.query(
                    """
                    with recursive up as (
                      select id, parent_id from crm.\(identifier: tree.table) where id = \(parentID)
                      union all
                      select t.id, t.parent_id from crm.\(identifier: tree.table) t join up on t.id = up.parent_id
                    ) cycle id set is_cycle using path
                    select exists (select 1 from up where id = \(id))
                    """)[0].decode(Bool.self, at: 0)
                if underItself {
                    throw ConsoleFailure.invalid("\(tree.noun) '\(call[0])' cannot be moved under its own descendant '\(call[1])'")
                }
            }
            let rows = try await connection.query("update crm.\(identifier: tree.table) set parent_id = \(parentID) where id = \(id)")
            if rows.affectedRows == 0 { throw ConsoleFailure.denied("the \(tree.noun) could not be changed") }
            return .ok("\(tree.noun) \(call[0]) moved under \(call[1] == "-" ? "the top" : call[1])")
        }
    }
}

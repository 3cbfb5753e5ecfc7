import Foundation

/// The pipeline tabs, the board/list switch and the filter form above the board and the list.
enum FilterBar {
    static func render(
        _ page: PageContext, pipelines: [(Int64, String)], chosen: Int64, filter: DealFilter, view: String,
        stages: [BoardPage.Stage] = []
    ) async throws -> HTML {
        let t = page.texts
        let base = view == "board" ? "/board" : "/deals"
        let tabs = pipelines.map { pipeline -> HTML in
            "<a href=\"\(base)?pipeline=\(pipeline.0)\" class=\"tab\(pipeline.0 == chosen ? " active" : "")\">\(pipeline.1)</a>"
        }
        let users = try await page.rows("select id, name from crm.users where active order by name")
        let sources = try await page.rows("select id, name from crm.sources where active order by name")
        func options(_ rows: PostgresRowsLike, selected: Int64?) -> [HTML] {
            rows.items.map { item in
                "<option value=\"\(item.0)\"\(HTML.when(item.0 == selected, " selected"))>\(item.1)</option>"
            }
        }
        let query = Self.query(filter.query)
        let stageOptions = stages.map { stage -> HTML in
            "<option value=\"\(stage.id)\"\(HTML.when(stage.id == filter.stageID, " selected"))>\(stage.name)</option>"
        }
        let stageSelect: HTML = HTML.when(
            !stages.isEmpty,
            "<label>\(t[.stage])<select name=\"stage\"><option value=\"\">\(t[.any])</option>\(stageOptions)</select></label>")
        return """
            <div class="toolbar">
              <nav class="tabs">\(tabs)</nav>
              <div class="views">
                <a href="/board?pipeline=\(chosen)\(query)" class="tab\(view == "board" ? " active" : "")" id="view-board">\(t[.viewBoard])</a>
                <a href="/deals?pipeline=\(chosen)\(query)" class="tab\(view == "list" ? " active" : "")" id="view-list">\(t[.viewList])</a>
              </div>
            </div>
            <details class="filters card"\(HTML.when(!filter.query.isEmpty, " open"))>
              <summary>\(t[.filters])\(filter.query.isEmpty ? "" : " (\(filter.query.count))")</summary>
              <form method="get" action="\(base)" class="filter-form" id="filter-form">
                <input type="hidden" name="pipeline" value="\(chosen)">
                <label class="check"><input type="checkbox" name="mine" value="1"\(HTML.when(filter.mine, " checked"))> \(t[.filterMine])</label>
                <label class="check"><input type="checkbox" name="department" value="1"\(HTML.when(filter.department, " checked"))> \(t[.filterDepartment])</label>
                <label>\(t[.responsible])<select name="responsible"><option value="">\(t[.any])</option>\(options(PostgresRowsLike(users), selected: filter.responsibleID))</select></label>
                <label>\(t[.source])<select name="source"><option value="">\(t[.any])</option>\(options(PostgresRowsLike(sources), selected: filter.sourceID))</select></label>
                \(stageSelect)
                <label>\(t[.amountFrom])<input name="amount_from" inputmode="decimal" value="\(filter.amountFrom)"></label>
                <label>\(t[.amountTo])<input name="amount_to" inputmode="decimal" value="\(filter.amountTo)"></label>
                <label>\(t[.createdFrom])<input type="date" name="created_from" value="\(filter.createdFrom)"></label>
                <label>\(t[.createdTo])<input type="date" name="created_to" value="\(filter.createdTo)"></label>
                <label class="wide">\(t[.search])<input type="search" name="q" value="\(filter.search)" placeholder="\(t[.searchPlaceholder])"></label>
                <div class="actions"><button type="submit" class="primary">\(t[.apply])</button> <a href="\(base)?pipeline=\(chosen)">\(t[.reset])</a></div>
              </form>
            </details>
            """
    }

    /// `&a=1&b=2`, each value percent-encoded (letters, digits and `-._~` stay as they are).
    static func query(_ items: [(String, String)]) -> String {
        items.map { "&\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")" }.joined()
    }

    static let unreserved: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()
}

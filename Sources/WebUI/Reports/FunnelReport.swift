import PostgresClient

/// The sales funnel of a pipeline (`crm_api.sales_funnel`, the API's `GET /api/v1/reports/funnel`):
/// deals and sums per stage over the deals the user may see, the conversion from the stage
/// before, as a table and an SVG chart.
struct FunnelReport: WebReport {
    let slug = "funnel"
    let title = TextKey.reportFunnel
    let summary = TextKey.reportFunnelSummary

    func csv(_ page: PageContext) async throws -> String? {
        let (_, chosen) = try await BoardPage.pipelines(page)
        guard let pipelineID = chosen else { return nil }
        _ = try await page.connection.query(
            "select crm_api.begin_export('report', jsonb_build_object('report', 'funnel', 'pipeline_id', \(pipelineID)::bigint))")
        let rows = try await page.rows(Self.query(pipelineID))
        let t = page.texts
        return "\u{FEFF}" + CSV.line([t[.stage], t[.dealsCount], t[.amount]])
            + rows.map { CSV.line([$0[0] ?? "", $0[2] ?? "0", $0[3] ?? "0"]) }.joined()
    }

    static func query(_ pipelineID: Int64) -> PostgresQuery {
        """
        select f.stage, f.kind, f.deals::text, f.amount::text
        from json_to_recordset(crm_api.sales_funnel(\(pipelineID))) as f(stage text, kind text, deals bigint, amount numeric, position int)
        order by f.position
        """
    }

    func render(_ page: PageContext) async throws -> HTML {
        let t = page.texts
        let f = page.format
        let (pipelines, chosen) = try await BoardPage.pipelines(page)
        guard let pipelineID = chosen else { return "<p class=\"muted\">\(t[.noPipelines])</p>" }
        let rows = try await page.rows(Self.query(pipelineID))
        let options = pipelines.map { pipeline -> HTML in
            "<option value=\"\(pipeline.0)\"\(HTML.when(pipeline.0 == pipelineID, " selected"))>\(pipeline.1)</option>"
        }
        // Reached a stage: the deals in it or in a later stage (won included, lost not);
        // the conversion is the share of the stage before that got this far.
        let counts = rows.map { Int($0[2] ?? "0") ?? 0 }
        let kinds = rows.map { $0[1] ?? "open" }
        var reached = [Int](repeating: 0, count: rows.count)
        var running = 0
        for index in rows.indices.reversed() where kinds[index] != "lost" {
            running += counts[index]
            reached[index] = running
        }
        var tableRows: [HTML] = []
        var bars: [BarChart.Bar] = []
        var previous: Int?
        for (index, row) in rows.enumerated() {
            let deals = counts[index]
            var conversion = "—"
            if kinds[index] != "lost" {
                if let previous, previous > 0 { conversion = "\(reached[index] * 100 / previous) %" }
                previous = reached[index]
            }
            tableRows.append(
                """
                <tr class="kind-\(kinds[index])"><td>\(row[0] ?? "")</td><td class="num">\(deals)</td><td class="num">\(f.money(row[3], currency: "RUB"))</td><td class="num">\(conversion)</td></tr>
                """)
            bars.append(
                .init(
                    label: row[0] ?? "", value: Double(deals), caption: "\(deals) · \(f.money(row[3], currency: "RUB"))", kind: kinds[index]
                ))
        }
        return """
            <form method="get" action="/reports/funnel" class="params card">
              <label>\(t[.pipeline])<select name="pipeline">\(options)</select></label>
              <button type="submit" class="primary">\(t[.show])</button>
              \(HTML.when(page.user.mayExportReports, "<a class=\"button\" id=\"csv\" href=\"/reports/funnel/csv?pipeline=\(pipelineID)\">\(t[.downloadCSV])</a>"))
            </form>
            <div class="grid two">
              <section class="card"><div class="table-wrap"><table class="list" id="funnel-table">
                <thead><tr><th>\(t[.stage])</th><th class="num">\(t[.dealsCount])</th><th class="num">\(t[.amount])</th><th class="num">\(t[.conversion])</th></tr></thead>
                <tbody>\(tableRows)</tbody></table></div></section>
              <section class="card">\(BarChart(bars: bars).render(title: t[.reportFunnel]))</section>
            </div>
            """
    }
}

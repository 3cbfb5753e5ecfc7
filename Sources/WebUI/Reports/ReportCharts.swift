import Foundation

/// The charts of the catalog reports, drawn as SVG on the server. Money is charted one
/// currency at a time (never added across currencies).
enum ReportCharts {
    /// The most bars one chart shows.
    static let maxBars = 15

    /// One bar chart per currency: `label` names a row, `value` (money) its length.
    static func moneyBars(
        label: @escaping @Sendable ([String?], ReportData) -> String, value: String, title: TextKey
    ) -> CatalogReport.Chart {
        { page, data, _ in
            let f = page.format
            let charts = data.byCurrency.map { group -> HTML in
                let bars = group.rows.prefix(maxBars).map { row -> BarChart.Bar in
                    let amount = data.value(row, value)
                    return .init(
                        label: label(row, data), value: max(0, DecimalText.double(amount)),
                        caption: f.money(amount, currency: group.currency), kind: "money")
                }
                return
                    "<h2>\(page.texts[title]) · \(group.currency)</h2>\(BarChart(bars: Array(bars)).render(title: page.texts[title] + " " + group.currency))"
            }
            return HTML.join(charts)
        }
    }

    /// Deals lost per reason (counts add up across currencies; sums stay per currency in the table).
    static let lossReasons: CatalogReport.Chart = { page, data, _ in
        var order: [String] = []
        var counts: [String: Int] = [:]
        for row in data.rows {
            let reason = data.value(row, "loss_reason") ?? page.texts[.noLossReason]
            if counts[reason] == nil { order.append(reason) }
            counts[reason, default: 0] += Int(data.value(row, "deals") ?? "0") ?? 0
        }
        guard !order.isEmpty else { return .empty }
        let bars = order.sorted { counts[$0]! > counts[$1]! }.prefix(maxBars).map { reason in
            BarChart.Bar(label: reason, value: Double(counts[reason]!), caption: "\(counts[reason]!)", kind: "loss")
        }
        let title = page.texts[.chartLostDeals]
        return "<h2>\(title)</h2>\(BarChart(bars: Array(bars)).render(title: title))"
    }

    /// The manager rating: bars of the score (0…100).
    static let kpiScore: CatalogReport.Chart = { page, data, _ in
        guard !data.rows.isEmpty else { return .empty }
        let f = page.format
        let bars = data.rows.prefix(maxBars).map { row in
            BarChart.Bar(
                label: data.value(row, "responsible") ?? "—", value: max(0, DecimalText.double(data.value(row, "score"))),
                caption: f.quantity(data.value(row, "score").map { DecimalText.text(DecimalText.value($0)) }), kind: "score")
        }
        let title = page.texts[.colScore]
        return "<h2>\(title)</h2>\(BarChart(bars: Array(bars)).render(title: title))"
    }

    /// Debts by ageing bucket, one chart per currency.
    static let ageing: CatalogReport.Chart = { page, data, _ in
        let f = page.format
        let t = page.texts
        let buckets: [(String, TextKey, String)] = [
            ("not_due", .colNotDue, "ok"), ("overdue_1_30", .colOverdue1to30, "warn"), ("overdue_31_60", .colOverdue31to60, "warn"),
            ("overdue_61_90", .colOverdue61to90, "danger"), ("overdue_over_90", .colOverdueOver90, "danger"),
        ]
        let charts = data.byCurrency.map { group -> HTML in
            let bars = buckets.map { bucket -> BarChart.Bar in
                let sum = group.rows.reduce(Decimal(0)) { $0 + DecimalText.value(data.value($1, bucket.0)) }
                let text = DecimalText.text(sum)
                return .init(
                    label: t[bucket.1], value: max(0, DecimalText.double(text)), caption: f.money(text, currency: group.currency),
                    kind: bucket.2)
            }
            let title = t[.chartAgeing] + " · " + group.currency
            return "<h2>\(title)</h2>\(BarChart(bars: bars).render(title: title))"
        }
        return HTML.join(charts)
    }

    /// The nine-cell ABC/XYZ matrix per currency (`abc_xyz_matrix`, same period, same row rules).
    static let abcXYZMatrix: CatalogReport.Chart = { page, _, resolved in
        let matrix = try await ReportData.load(page, "abc_xyz_matrix", resolved.filter { ["from", "to"].contains($0.key) })
        let f = page.format
        let t = page.texts
        let charts = matrix.byCurrency.map { group -> HTML in
            var cells: [String: (String, String)] = [:]
            for row in group.rows {
                cells[data(row, matrix, "cell")] = (matrix.value(row, "clients") ?? "0", matrix.value(row, "revenue") ?? "0")
            }
            let size = 150, left = 40, top = 30
            var parts: [HTML] = []
            for (column, xyz) in ["X", "Y", "Z"].enumerated() {
                parts.append("<text x=\"\(left + column * size + size / 2)\" y=\"20\" text-anchor=\"middle\" class=\"axis\">\(xyz)</text>")
            }
            for (line, abc) in ["A", "B", "C"].enumerated() {
                parts.append("<text x=\"20\" y=\"\(top + line * size + size / 2 + 5)\" text-anchor=\"middle\" class=\"axis\">\(abc)</text>")
                for (column, xyz) in ["X", "Y", "Z"].enumerated() {
                    let code = abc + xyz
                    let (clients, revenue) = cells[code] ?? ("0", "0")
                    let x = left + column * size, y = top + line * size
                    let tone = (line + column) <= 1 ? "good" : (line + column) >= 3 ? "poor" : "mid"
                    parts.append(
                        """
                        <g class="cell tone-\(tone)\(HTML.when(clients == "0", " empty"))" data-cell="\(code)">
                          <rect x="\(x + 2)" y="\(y + 2)" width="\(size - 4)" height="\(size - 4)" rx="6"></rect>
                          <text x="\(x + size / 2)" y="\(y + 42)" text-anchor="middle" class="code">\(code)</text>
                          <text x="\(x + size / 2)" y="\(y + 80)" text-anchor="middle" class="label">\(t.format(.chartClients, ["n": clients]))</text>
                          <text x="\(x + size / 2)" y="\(y + 108)" text-anchor="middle" class="value">\(f.money(revenue, currency: group.currency))</text>
                        </g>
                        """)
                }
            }
            let title = t[.chartMatrix] + " · " + group.currency
            return """
                <div class="chart-block"><h2>\(title)</h2>
                <svg class="chart matrix" viewBox="0 0 \(left + 3 * size + 4) \(top + 3 * size + 4)" role="img" aria-label="\(title)" xmlns="http://www.w3.org/2000/svg">
                  <title>\(title)</title>\(parts)
                </svg></div>
                """
        }
        return charts.isEmpty ? .empty : "<div class=\"grid two\">\(charts)</div>"
    }

    private static func data(_ row: [String?], _ matrix: ReportData, _ name: String) -> String { matrix.value(row, name) ?? "" }

    static let quadrantKeys: [String: TextKey] = [
        "star": .quadrantStar, "cash_cow": .quadrantCashCow, "question_mark": .quadrantQuestionMark, "dog": .quadrantDog,
    ]

    /// BCG: each client a point by relative share (x, log scale, 1 in the middle) and growth
    /// (y, 10 % the line); new clients at the top. One chart per currency.
    static let bcg: CatalogReport.Chart = { page, data, _ in
        let t = page.texts
        let charts = data.byCurrency.map { group -> HTML in
            let width = 560.0, baseHeight = 420.0, pad = 30.0
            let plotW = width - 2 * pad
            // x: log10(share) in [-1.5, 1.5]; y: growth in [-1, 1.5] (clamped), new clients at the top.
            func x(_ share: Double) -> Double {
                let l = min(1.5, max(-1.5, log10(max(share, 0.0001))))
                return pad + (l + 1.5) / 3 * plotW
            }
            // Growth in [-1, 1.5] over the plot below a band at the top for new clients (no previous revenue).
            // The new clients' labels stack in the band (greedily: one that would overlap an
            // earlier one moves down a line); the band is as tall as they need.
            let shown = Array(group.rows.prefix(60))
            var newPlaces: [Int: Int] = [:]
            var newTaken: [(Int, Int)] = []
            for (index, row) in shown.enumerated() where data.value(row, "growth") == nil {
                let px = Int(x(DecimalText.double(data.value(row, "relative_share"))))
                var py = Int(pad) + 30
                while newTaken.contains(where: { abs($0.0 - px) < 150 && abs($0.1 - py) < 15 }) { py += 16 }
                newTaken.append((px, py))
                newPlaces[index] = py
            }
            let band = Double((newTaken.map(\.1).max() ?? Int(pad) + 14) + 12) - pad
            let height = baseHeight + band
            let plotH = height - 2 * pad
            func y(_ growth: Double?) -> Double {
                guard let growth else { return pad + 30 }
                let g = min(1.5, max(-1, growth))
                return pad + band + (1.5 - g) / 2.5 * (plotH - band)
            }
            let midX = x(1), midY = y(0.10)
            let quadrants: [(String, Double, Double, Double, Double)] = [
                ("question_mark", pad, pad, midX - pad, midY - pad), ("star", midX, pad, width - pad - midX, midY - pad),
                ("dog", pad, midY, midX - pad, height - pad - midY), ("cash_cow", midX, midY, width - pad - midX, height - pad - midY),
            ]
            var parts: [HTML] = quadrants.map { q in
                let labelX = q.0 == "question_mark" || q.0 == "dog" ? q.1 + 8 : q.1 + q.3 - 8
                let anchor = labelX < q.1 + q.3 / 2 ? "start" : "end"
                return """
                    <g class="quadrant q-\(q.0)"><rect x="\(Int(q.1))" y="\(Int(q.2))" width="\(Int(q.3))" height="\(Int(q.4))"></rect>
                    <text x="\(Int(labelX))" y="\(Int(q.2 + q.4 - 8))" text-anchor="\(anchor)" class="axis">\(t[quadrantKeys[q.0]!])</text></g>
                    """
            }
            parts.append(
                "<text x=\"\(Int(width / 2))\" y=\"\(Int(height - 8))\" text-anchor=\"middle\" class=\"value\">\(t[.colRelativeShare]) →</text>"
            )
            parts.append(
                "<text x=\"12\" y=\"\(Int(height / 2))\" text-anchor=\"middle\" class=\"value\" transform=\"rotate(-90 12 \(Int(height / 2)))\">\(t[.colGrowth]) →</text>"
            )
            parts.append(
                "<line x1=\"\(Int(pad))\" y1=\"\(Int(pad + band))\" x2=\"\(Int(width - pad))\" y2=\"\(Int(pad + band))\" class=\"band\"></line>"
            )
            parts.append(
                "<text x=\"\(Int(width / 2))\" y=\"\(Int(pad + 14))\" text-anchor=\"middle\" class=\"value\">\(t[.chartNewClients])</text>")
            // Labels placed greedily: one that would overlap an earlier one moves down a line.
            var taken: [(Int, Int)] = []
            for (index, row) in shown.enumerated() {
                let share = DecimalText.double(data.value(row, "relative_share"))
                let growth = data.value(row, "growth").map { DecimalText.double($0) }
                let px = Int(x(share))
                var py = Int(y(growth))
                if let place = newPlaces[index] {
                    py = place
                } else {
                    while taken.contains(where: { abs($0.0 - px) < 150 && abs($0.1 - py) < 15 }) { py += 16 }
                    taken.append((px, py))
                }
                let name = data.value(row, "client") ?? ""
                let short = name.count > 18 ? String(name.prefix(17)) + "…" : name
                parts.append(
                    """
                    <g class="point q-\(data.value(row, "quadrant") ?? "")"><circle cx="\(px)" cy="\(py)" r="6"><title>\(name)</title></circle>
                    <text x="\(px + 9)" y="\(py + 4)" class="value">\(short)</text></g>
                    """)
            }
            let title = t[.chartQuadrants] + " · " + group.currency
            return """
                <div class="chart-block"><h2>\(title)</h2>
                <svg class="chart bcg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(title)" xmlns="http://www.w3.org/2000/svg">
                  <title>\(title)</title>\(parts)
                </svg></div>
                """
        }
        return charts.isEmpty ? .empty : "<div class=\"grid two\">\(charts)</div>"
    }
}

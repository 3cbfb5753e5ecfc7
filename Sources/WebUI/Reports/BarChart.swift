/// A horizontal bar chart drawn as SVG on the server (no chart library): one bar per item,
/// its label on the left and its value on the right. Sizes are attributes, colours CSS classes.
struct BarChart: Sendable {
    struct Bar: Sendable {
        let label: String
        /// The length of the bar (any unit; the largest fills the width).
        let value: Double
        /// The text shown after the bar.
        let caption: String
        let kind: String
    }

    let bars: [Bar]
    var width = 720
    var rowHeight = 34

    func render(title: String) -> HTML {
        let labelWidth = 230
        let captionWidth = 170
        let barSpace = Double(width - labelWidth - captionWidth - 10)
        let largest = max(bars.map(\.value).max() ?? 0, 1)
        let height = max(bars.count * rowHeight + 10, 40)
        let rows = bars.enumerated().map { index, bar -> HTML in
            let y = 5 + index * rowHeight
            let length = max(2, Int((bar.value / largest * barSpace).rounded()))
            let label = bar.label.count > 30 ? String(bar.label.prefix(29)) + "…" : bar.label
            return """
                <g class="bar kind-\(bar.kind)">
                  <text x="\(labelWidth - 8)" y="\(y + rowHeight / 2 + 5)" text-anchor="end" class="label">\(label)</text>
                  <rect x="\(labelWidth)" y="\(y + 4)" width="\(length)" height="\(rowHeight - 10)" rx="4"></rect>
                  <text x="\(labelWidth + length + 8)" y="\(y + rowHeight / 2 + 5)" class="value">\(bar.caption)</text>
                </g>
                """
        }
        return """
            <svg class="chart" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(title)" xmlns="http://www.w3.org/2000/svg">
              <title>\(title)</title>
              \(rows)
            </svg>
            """
    }
}

import Foundation
import HTTPAPI
import PostgresClient

/// The rows of one report as the API computes them (`ReportQueries`, the catalog of
/// `GET /api/v1/reports/{name}`): text values by column name.
struct ReportData: Sendable {
    let columns: [String]
    let rows: [[String?]]

    func value(_ row: [String?], _ name: String) -> String? {
        guard let index = columns.firstIndex(of: name), index < row.count else { return nil }
        return row[index]
    }

    /// The rows grouped by their `currency`, in the order the currencies first appear.
    var byCurrency: [(currency: String, rows: [[String?]])] {
        var order: [String] = []
        var groups: [String: [[String?]]] = [:]
        for row in rows {
            let currency = value(row, "currency") ?? ""
            if groups[currency] == nil { order.append(currency) }
            groups[currency, default: []].append(row)
        }
        return order.map { ($0, groups[$0] ?? []) }
    }

    /// Reads report `name` with `values` on the page's connection (the user's row rules).
    static func load(_ page: PageContext, _ name: String, _ values: [String: String]) async throws -> ReportData {
        guard let columns = ReportQueries.columns(name), let query = ReportQueries.rowsQuery(name, values) else {
            return ReportData(columns: [], rows: [])
        }
        let result = try await page.rows(query)
        return ReportData(columns: columns, rows: result.map { row in (0..<columns.count).map { row[$0] } })
    }
}

/// Exact decimal arithmetic on the text PostgreSQL sends (sums for charts and totals).
enum DecimalText {
    static func value(_ text: String?) -> Decimal {
        guard let text, let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return 0 }
        return value
    }

    static func text(_ value: Decimal) -> String {
        var value = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        return NSDecimalNumber(decimal: rounded).description(withLocale: Locale(identifier: "en_US_POSIX"))
    }

    static func double(_ text: String?) -> Double { NSDecimalNumber(decimal: value(text)).doubleValue }
}

/// A report page made from a report of the catalog: the form of its parameters, a table of
/// the chosen columns (money in the row's currency), a chart drawn by `chart`, and the CSV
/// download (audited like the API's export) where the role may export.
struct CatalogReport: WebReport {
    struct Column: Sendable {
        enum Kind: Sendable {
            case text, integer, money, percent, decimal, date, timestamp
            /// The first day of a month shown as the month: `10.2026` (ru), `2026-10` (en).
            case month
            /// A percentage, or the text `orElse` when it is null (growth of a new client).
            case percentOr(TextKey)
            /// A code shown through the catalogue (quadrants, groups).
            case code([String: TextKey])
        }

        let name: String
        let title: TextKey
        let kind: Kind

        init(_ name: String, _ title: TextKey, _ kind: Kind = .text) {
            self.name = name
            self.title = title
            self.kind = kind
        }

        var numeric: Bool {
            switch kind {
            case .integer, .money, .percent, .decimal, .percentOr: true
            default: false
            }
        }
    }

    typealias Chart = @Sendable (PageContext, ReportData, [String: String]) async throws -> HTML

    let slug: String
    let title: TextKey
    let summary: TextKey
    /// The name in `ReportCatalog` (`GET /api/v1/reports/{report}`).
    let report: String
    let columns: [Column]
    var chart: Chart? = nil
    /// Which columns the table shows for the resolved parameters (all by default).
    var visible: (@Sendable ([String: String], Column) -> Bool)? = nil

    /// The parameters from the query, as the API accepts them (wrong ones fall back to defaults).
    func values(_ page: PageContext) -> [String: String] {
        var given: [String: String] = [:]
        for name in ReportQueries.parameters(report) { given[name] = page.parameter(name) }
        return ReportQueries.valid(report, given)
    }

    /// The parameters with their defaults applied (what the report was computed for).
    func resolved(_ page: PageContext, _ values: [String: String]) async throws -> [String: String] {
        guard let query = ReportQueries.parametersQuery(report, values) else { return values }
        let names = ReportQueries.parameters(report)
        guard let row = try await page.rows(query).first else { return values }
        var out: [String: String] = [:]
        for (index, name) in names.enumerated() { out[name] = row[index] }
        return out
    }

    func csv(_ page: PageContext) async throws -> String? {
        _ = try await page.connection.query("select crm_api.check_report_export()")
        let values = values(page)
        let data = try await ReportData.load(page, report, values)
        let t = page.texts
        // The table shows the currency in each sum; the CSV, whose sums are bare numbers, has its column.
        var fields = columns
        if data.columns.contains("currency"), !fields.contains(where: { $0.name == "currency" }) {
            fields.insert(Column("currency", .currency), at: min(1, fields.count))
        }
        if data.columns.contains("inn"), let at = fields.firstIndex(where: { $0.name == "counterparty" }) {
            fields.insert(Column("inn", .colINN), at: at + 1)
        }
        var text = "\u{FEFF}" + CSV.line(fields.map { t[$0.title] })
        for row in data.rows { text += CSV.line(fields.map { data.value(row, $0.name) ?? "" }) }
        let parameters = values.map { "\(Self.jsonString($0.key)): \(Self.jsonString($0.value))" }.joined(separator: ", ")
        _ = try await page.connection.query(
            "select crm_api.record_report_export(\(report), \("{" + parameters + "}")::jsonb, \(Int64(data.rows.count)), true)")
        return text
    }

    static func jsonString(_ text: String) -> String {
        "\""
            + text.unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\"": return "\\\""
                case "\\": return "\\\\"
                default: return scalar.value < 0x20 ? String(format: "\\u%04x", scalar.value) : String(scalar)
                }
            }.joined() + "\""
    }

    func render(_ page: PageContext) async throws -> HTML {
        let t = page.texts
        let values = values(page)
        let resolved = try await resolved(page, values)
        let data = try await ReportData.load(page, report, values)
        let names = ReportQueries.parameters(report)
        let fields = names.compactMap { field($0, resolved[$0], t) }
        let query = names.compactMap { name in resolved[name].map { "\(name)=\(Self.urlEncoded($0))" } }.joined(separator: "&")
        let columns = visible.map { keep in self.columns.filter { keep(resolved, $0) } } ?? self.columns
        let head = columns.map { column -> HTML in "<th\(HTML.when(column.numeric, " class=\"num\""))>\(t[column.title])</th>" }
        let body = data.rows.map { row -> HTML in
            let cells = columns.map { column -> HTML in
                "<td\(HTML.when(column.numeric, " class=\"num\""))>\(cell(column, row, data, page))</td>"
            }
            return "<tr>\(cells)</tr>"
        }
        let empty: HTML = "<tr><td colspan=\"\(columns.count)\" class=\"muted\">\(t[.noReportRows])</td></tr>"
        let chartHTML = try await chart?(page, data, resolved) ?? .empty
        return """
            <p class="muted">\(t[summary])</p>
            <form method="get" action="/reports/\(slug)" class="params card">
              \(fields)
              <button type="submit" class="primary">\(t[.show])</button>
              \(HTML.when(page.user.mayExportReports, "<a class=\"button\" id=\"csv\" href=\"/reports/\(slug)/csv?\(query)\">\(t[.downloadCSV])</a>"))
            </form>
            \(HTML.when(!chartHTML.text.isEmpty, "<section class=\"card charts\">\(chartHTML)</section>"))
            <section class="card"><div class="table-wrap"><table class="list report" id="report-table" data-report="\(report)">
              <thead><tr>\(head)</tr></thead>
              <tbody>\(body.isEmpty ? [empty] : body)</tbody></table></div></section>
            """
    }

    static func urlEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    func cell(_ column: Column, _ row: [String?], _ data: ReportData, _ page: PageContext) -> String {
        let f = page.format
        let value = data.value(row, column.name)
        switch column.kind {
        case .text: return value ?? "—"
        case .integer: return value ?? "—"
        case .money: return f.money(value, currency: data.value(row, "currency"))
        case .percent: return Self.percent(value, f)
        case .percentOr(let key): return value == nil ? page.texts[key] : Self.percent(value, f)
        case .decimal: return f.quantity(value.map { DecimalText.text(DecimalText.value($0)) })
        case .date: return f.date(value)
        case .month:
            guard let value, value.count >= 7 else { return "—" }
            return f.language == .ru ? String(value.dropFirst(5).prefix(2)) + "." + String(value.prefix(4)) : String(value.prefix(7))
        case .timestamp: return f.time(value)
        case .code(let keys): return value.map { keys[$0].map { page.texts[$0] } ?? $0 } ?? "—"
        }
    }

    /// `0.2534` → `25,3 %`.
    static func percent(_ value: String?, _ f: Formatting) -> String {
        guard let value else { return "—" }
        var number = DecimalText.value(value) * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &number, 1, .plain)
        // Always one decimal: `94,0 %` beside `53,7 %`.
        var text = NSDecimalNumber(decimal: rounded).description(withLocale: Locale(identifier: "en_US_POSIX"))
        if !text.contains(".") { text += ".0" }
        return (f.language == .ru ? text.replacingOccurrences(of: ".", with: ",") : text) + "\u{00A0}%"
    }

    /// The form field of parameter `name` (nil for the ones the page does not offer).
    func field(_ name: String, _ value: String?, _ t: Texts) -> HTML? {
        switch name {
        case "from", "to", "as_of":
            let label: TextKey = name == "from" ? .paramFrom : name == "to" ? .paramTo : .paramAsOf
            return "<label>\(t[label])<input type=\"date\" name=\"\(name)\" value=\"\(value ?? "")\"></label>"
        case "days", "limit":
            return
                "<label>\(t[name == "days" ? .paramDays : .paramLimit])<input type=\"number\" min=\"\(name == "days" ? 0 : 1)\" name=\"\(name)\" value=\"\(value ?? "")\"></label>"
        case "currency":
            return
                "<label>\(t[.currency])<input type=\"text\" name=\"currency\" maxlength=\"3\" pattern=\"[A-Z]{3}\" value=\"\(value ?? "")\"></label>"
        case "group":
            let options = [("source", TextKey.groupSource), ("utm", .groupUTM), ("event", .groupEvent)].map { option -> HTML in
                "<option value=\"\(option.0)\"\(HTML.when(option.0 == value, " selected"))>\(t[option.1])</option>"
            }
            return "<label>\(t[.paramGroup])<select name=\"group\">\(options)</select></label>"
        default:
            return nil
        }
    }
}

import HTTPAPI
import Hummingbird

/// `/reports`: the list of reports; `/reports/{slug}`: one report with its parameters, table
/// and chart (`Reports/`).
struct ReportsPage: Sendable {
    let runner: PageRunner

    func register(on router: some RouterMethods<CRMRequestContext>) {
        runner.get(router, "/reports") { page in
            let t = page.texts
            let items = WebReports.all.map { report -> HTML in
                "<li class=\"card\"><a href=\"/reports/\(report.slug)\"><strong>\(t[report.title])</strong></a><p class=\"muted\">\(t[report.summary])</p></li>"
            }
            return .page(
                title: t[.navReports], section: .reports, body: "<h1>\(t[.navReports])</h1><ul class=\"report-list\">\(items)</ul>")
        }
        runner.get(router, "/reports/:slug/csv") { page in
            let parts = page.request.uri.path.split(separator: "/")
            let slug = parts.count >= 2 ? String(parts[parts.count - 2]) : ""
            guard let report = WebReports.all.first(where: { $0.slug == slug }), let csv = try await report.csv(page) else {
                throw APIError.notFound("no report \(slug)")
            }
            return .download(filename: "\(slug).csv", contentType: "text/csv; charset=utf-8", body: csv)
        }
        runner.get(router, "/reports/:slug") { page in
            let slug = page.request.uri.path.split(separator: "/").last.map(String.init) ?? ""
            guard let report = WebReports.all.first(where: { $0.slug == slug }) else { throw APIError.notFound("no report \(slug)") }
            let body = try await report.render(page)
            let t = page.texts
            return .page(
                title: t[report.title], section: .reports,
                body: "<p class=\"crumbs\"><a href=\"/reports\">\(t[.navReports])</a></p><h1>\(t[report.title])</h1>\(body)")
        }
    }
}

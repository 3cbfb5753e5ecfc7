import Documents
import Foundation
import Testing

/// Templates: parsed against the field catalogue (unknown fields, filters and syntax errors named
/// with their line), filled with escaped, formatted values; the shipped defaults are valid.
@Suite("Document templates")
struct TemplateTests {
    let parser = TemplateParser()

    func errors(_ source: String) -> [TemplateError] {
        if case .failure(let problems) = parser.parse(source) { return problems.errors }
        return []
    }

    func render(_ source: String, _ data: TemplateData) throws -> String {
        TemplateRenderer().render(try parser.parse(source).get(), data: data)
    }

    @Test("an unknown field is named with its line")
    func unknownField() {
        let found = errors("<p>{{ deal.title }}</p>\n<p>\n{{ deal.titel }}</p>")
        #expect(found == [TemplateError(line: 3, field: "deal.titel", problem: "unknown field")])
        #expect(found.first?.description == "line 3: unknown field deal.titel")
    }

    @Test("every unknown field and filter is reported, in order")
    func severalProblems() {
        let found = errors("{{ client.nam }}\r\n{{ document.total | roubles }}\n{{ deal.title | words }}")
        #expect(found.map(\.line) == [1, 2, 3])
        #expect(found.map(\.field) == ["client.nam", "document.total", "deal.title"])
        #expect(found[1].problem.contains("unknown filter «roubles»"))
    }

    @Test(
        "syntax errors: unclosed tags and sections, stray closers, bad names",
        arguments: [
            ("<p>{{ deal.title </p>", 1, "is not closed"),
            ("a\n{{#each lines}}\n<tr>", 2, "is not closed"),
            ("{{#if client.name}}x{{/each}}", 1, "closes"),
            ("x\n\n{{/if}}", 3, "without an opening"),
            ("{{else}}", 1, "outside"),
            ("{{ }}", 1, "empty"),
            ("{{ Deal-Title }}", 1, "not a field name"),
            ("{{#each deal.title}}{{/each}}", 1, "not a list"),
            ("{{#each rows}}{{/each}}", 1, "unknown list"),
            ("{{> partial}}", 1, "unknown tag"),
            ("{{{ deal.title }}}", 1, "unknown tag"),
            ("{{#each lines}}{{#each lines}}{{/each}}{{/each}}", 1, "inside itself"),
        ])
    func syntax(_ source: String, _ line: Int, _ words: String) {
        let found = errors(source)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.line == line, "\(found)")
        #expect(found.first?.description.contains(words) == true, "\(found)")
    }

    @Test("a row field outside its loop, a list printed as a value")
    func scope() {
        #expect(errors("{{ line.name }}").first?.field == "line.name")
        #expect(errors("{{ lines }}").first?.field == "lines")
        #expect(errors("{{#each lines}}{{ line.name }}{{/each}}").isEmpty)
    }

    @Test("values are escaped and formatted the Russian way")
    func filling() throws {
        var data = TemplateData()
        data["client.name"] = .text("ООО «Рога & Копыта» <script>")
        data["document.total"] = .money(Money("1234567.89", currency: "RUB")!)
        data["document.date"] = .date(RussianDate(year: 2026, month: 12, day: 2)!)
        data["counterparty.kpp"] = TemplateValue.none
        data["lines"] = .list([
            TemplateData(["line.name": .text("Мука"), "line.quantity": .quantity("12.500")]),
            TemplateData(["line.name": .text("Сахар"), "line.quantity": .quantity("3.000")]),
        ])
        let html = try render(
            "{{ client.name }}|{{ document.total }}|{{ document.total | sign }}|{{ document.total | words }}|{{ document.date }}|"
                + "{{ document.date | short }}|{{#if counterparty.kpp}}КПП{{else}}без КПП{{/if}}|"
                + "{{#each lines}}[{{ line.name }} {{ line.quantity }}]{{/each}}{{! a comment }}",
            data)
        let nbsp = "\u{00A0}"
        #expect(
            html == "ООО «Рога &amp; Копыта» &lt;script&gt;|1\(nbsp)234\(nbsp)567,89|1\(nbsp)234\(nbsp)567,89\(nbsp)₽|"
                + "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек|2 декабря 2026 г.|02.12.2026|"
                + "без КПП|[Мука 12,5][Сахар 3]")
    }

    @Test("an image is only ever a data URI of PNG or JPEG")
    func images() throws {
        var data = TemplateData()
        data["company.logo"] = .image("data:image/png;base64,iVBORw0KGgo=")
        #expect(try render("{{ company.logo }}", data) == "<img class=\"logo\" alt=\"\" src=\"data:image/png;base64,iVBORw0KGgo=\">")
        data["company.logo"] = .image("javascript:alert(1)")
        #expect(try render("{{ company.logo }}", data) == "")
    }

    @Test("the data builder computes totals, VAT per line and the line numbers")
    func builder() throws {
        let json = """
            {"deal": {"id": 7, "title": "Поставка", "amount": "0.00", "currency": "RUB", "expected_close_date": null,
                      "created_at": "2026-11-30"},
             "client": {"id": 3, "name": "Клиент"}, "contact": null, "counterparty": null,
             "company": {"legal_name": "ООО Мы", "inn": "7707083893", "logo": null},
             "responsible": {"name": "Ольга", "email": null, "phone": null},
             "lines": [{"name": "Мука", "article": "M-1", "unit": "кг", "quantity": "10.000", "price": "100.00", "amount": "1000.00"},
                       {"name": "Сахар", "article": null, "unit": "кг", "quantity": "1.000", "price": "0.05", "amount": "0.05"}]}
            """
        let facts = DocumentFacts(kind: .invoice, number: 15, date: RussianDate(year: 2026, month: 12, day: 2)!, vat: .percent(20))
        let (data, summary) = try DocumentDataBuilder().build(json: json, facts: facts)
        #expect(summary.total == Money("1000.05", currency: "RUB"))
        #expect(summary.vat == Money("166.68", currency: "RUB"), "166.67 + 0.01, per line as 1C does")
        #expect(summary.lineCount == 2)
        #expect(data["client.name"] == .text("Клиент"))
        #expect(data["counterparty.inn"] == TemplateValue.none)
        #expect(data["document.vat_label"] == .text("В том числе НДС (20%)"))
        guard case .list(let rows) = data["lines"] else {
            Issue.record("no lines")
            return
        }
        #expect(rows.map { $0["line.number"] } == [.integer(1), .integer(2)])
        #expect(rows[0]["line.vat_amount"] == .money(Money("166.67", currency: "RUB")!))
        #expect(facts.title == "Счёт на оплату № 15 от 2 декабря 2026 г.")
        #expect(facts.fileName == "Счёт на оплату № 15 от 02.12.2026")
    }

    @Test("the default templates shipped in sql/381 are valid and use the Russian layout")
    func defaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../sql/legacy/381_default_document_templates.sql").standardized.path
        let sql = try String(contentsOfFile: path, encoding: .utf8)
        let bodies = sql.components(separatedBy: "$tpl$").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(bodies.count == DocumentKind.allCases.count)
        for body in bodies {
            let result = parser.parse(body)
            if case .failure(let problems) = result { Issue.record("\(problems)") }
            #expect(body.contains("@page { size: A4"))
        }
        let invoice = try #require(bodies.first { $0.contains("<title>Счёт на оплату") })
        for part in [
            "БИК", "Сч. №", "Счёт на оплату № {{ document.number }} от {{ document.date }}", "Итого:",
            "{{ document.vat_label }}", "Всего наименований {{ document.line_count }}, на сумму",
            "{{ document.total | words }}", "Руководитель", "Бухгалтер",
        ] {
            #expect(invoice.contains(part), "\(part)")
        }
    }
}

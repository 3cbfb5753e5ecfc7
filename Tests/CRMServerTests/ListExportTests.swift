import Foundation
import PostgresClient
import TestSupport
import Testing

/// Exports of lists (issue 13): CSV and .xlsx of a list with its filters, only with the export
/// right, streamed, audited by the database with the filters and the row count.
@Suite("List exports", .serialized, .stopsItsServers)
struct ListExportTests {
    @Test("CSV: the filtered rows the caller reads, labels in the user's language, audited; 403 without the right")
    func csv() async throws {
        let server = try await RunningServer.start(demo: true)
        let director = try await APIClient.signIn(server, "director")
        let manager = try await APIClient.signIn(server, "manager.msk")
        let filter = "amount.gte=100000&sort=-amount"
        let expected = try #require(try await director.get("/api/v1/deals?\(filter)&count=true&limit=500").int("count"))
        #expect(expected > 3)

        let response = try await director.call(
            "GET", "/api/v1/deals/export?\(filter)&separator=semicolon", headers: ["Accept-Language": ""])
        #expect(response.status == 200, "\(response.text)")
        #expect(response.headers["content-type"] == "text/csv; charset=utf-8")
        #expect(response.headers["content-disposition"]?.contains("deals.csv") == true)
        let lines = response.text.split(separator: "\r\n", omittingEmptySubsequences: true)
        #expect(lines.count == expected + 1, "\(lines.count) lines for \(expected) deals")
        let header = lines[0].dropFirst().split(separator: ";").map(String.init)  // the BOM first
        #expect(response.text.unicodeScalars.first == "\u{FEFF}")
        #expect(header.contains("Название") && header.contains("Сумма") && header.contains("Владелец"), "\(header)")
        // Amounts descending, with decimal commas for the Russian Excel.
        let amountColumn = try #require(header.firstIndex(of: "Сумма"))
        let amounts = lines.dropFirst().map { line -> Decimal in
            let cells = line.split(separator: ";", omittingEmptySubsequences: false)
            return Decimal(string: String(cells[amountColumn]).replacingOccurrences(of: ",", with: ".")) ?? -1
        }
        #expect(amounts == amounts.sorted(by: >) && amounts.allSatisfy { $0 >= 100_000 }, "\(amounts.prefix(5))")

        // Audited by the database: who, which list, which filters, how many rows.
        let audit = try await ownerQuery(
            server,
            """
            select l.details ->> 'rows', l.details -> 'filters' ->> 'amount.gte', l.details ->> 'format', u.login
              from audit.log l join crm.users u on u.id = l.user_id
             where l.action = 'export' and l.details ->> 'list' = 'crm.deals' order by l.id desc limit 1
            """)
        #expect(
            audit.first?[0] == String(expected) && audit.first?[1] == "100000" && audit.first?[2] == "csv" && audit.first?[3] == "director")

        // Without the export right: 403 before any byte, said in words.
        let refused = try await manager.call("GET", "/api/v1/deals/export", headers: ["Accept-Language": ""])
        #expect(refused.status == 403 && refused.errorMessage == "вашей роли выгрузка этого списка не разрешена", "\(refused.text)")
        // Wrong parameters: 422 naming them.
        let wrong = try await director.call("GET", "/api/v1/deals/export?format=pdf&limit=5&amount.around=1")
        #expect(
            wrong.status == 422 && wrong.fieldErrors["format"] == "must be csv or xlsx" && wrong.fieldErrors["limit"] != nil,
            "\(wrong.text)")
        let badFilter = try await director.call("GET", "/api/v1/deals/export?amount.around=1")
        #expect(badFilter.status == 422 && badFilter.fieldErrors["amount.around"] != nil, "\(badFilter.text)")
        try await server.stop()
    }

    @Test(".xlsx: a valid workbook (every CRC right) with the header, text, numbers and dates in their cells")
    func xlsx() async throws {
        let server = try await RunningServer.start(demo: true)
        let director = try await APIClient.signIn(server, "director")
        let list = try await director.get("/api/v1/deals?sort=id&limit=500&count=true")
        let count = try #require(list.int("count"))
        let first = try #require(list.items.first)
        // Read as Excel would: the ZIP checked, the sheet's rows counted, the first row's cells read.
        let script = """
            import json, sys, urllib.request, zipfile, io, xml.etree.ElementTree as ET
            request = urllib.request.Request(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2], "Accept-Language": "ru"})
            with urllib.request.urlopen(request) as answer:
                data = answer.read(); kind = answer.headers["Content-Type"]
            z = zipfile.ZipFile(io.BytesIO(data))
            ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
            sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
            rows = sheet.findall(".//m:sheetData/m:row", ns)
            def cell(c):
                t = c.find("m:is/m:t", ns)
                if t is not None: return t.text or ""
                v = c.find("m:v", ns)
                return None if v is None else {"v": v.text, "s": c.get("s"), "t": c.get("t")}
            workbook = ET.fromstring(z.read("xl/workbook.xml"))
            print(json.dumps({"bad": z.testzip(), "names": sorted(z.namelist()), "type": kind, "rows": len(rows),
                              "sheet": workbook.find(".//m:sheet", ns).get("name"),
                              "header": [cell(c) for c in rows[0]], "first": [cell(c) for c in rows[1]]}, ensure_ascii=False))
            """
        let url = "http://\(server.httpHost):\(server.httpPort)/api/v1/deals/export?format=xlsx&sort=id"
        let output = try await TestPostgres.runBlocking { try Self.python(script, url, director.token) }
        let result = JSON.object(output)
        #expect(result["bad"] is NSNull, "a ZIP entry with a wrong CRC: \(output)")
        #expect(result["type"] as? String == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        #expect((result["names"] as? [String])?.contains("[Content_Types].xml") == true)
        #expect(result["sheet"] as? String == "Сделки")
        #expect((result["rows"] as? NSNumber)?.intValue == Int(count) + 1, "\(output)")
        let header = result["header"] as? [Any] ?? []
        let titleIndex = try #require(header.firstIndex { $0 as? String == "Название" }, "\(header)")
        let amountIndex = try #require(header.firstIndex { $0 as? String == "Сумма" })
        let cells = result["first"] as? [Any] ?? []
        #expect(cells[titleIndex] as? String == first["title"] as? String, "\(cells)")
        let amount = try #require(cells[amountIndex] as? [String: Any])
        #expect(
            Decimal(string: amount["v"] as? String ?? "") == Decimal(string: first["amount"] as? String ?? "x")
                && amount["s"] as? String == "1",
            "money is a number with the money format: \(amount)")
        try await server.stop()
    }

    @Test("a report as .xlsx: its columns and rows as the JSON answer has them, audited with its format")
    func reportWorkbook() async throws {
        let server = try await RunningServer.start(demo: true)
        let director = try await APIClient.signIn(server, "director")
        let json = try await director.get("/api/v1/reports/sales_funnel")
        #expect(json.status == 200, "\(json.text)")
        let rows = json["rows"] as? [[String: Any]] ?? []
        let columns = (json["columns"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(!rows.isEmpty && !columns.isEmpty)
        let script = """
            import json, sys, urllib.request, zipfile, io, xml.etree.ElementTree as ET
            request = urllib.request.Request(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]})
            z = zipfile.ZipFile(io.BytesIO(urllib.request.urlopen(request).read()))
            ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
            rows = ET.fromstring(z.read("xl/worksheets/sheet1.xml")).findall(".//m:sheetData/m:row", ns)
            sheet = ET.fromstring(z.read("xl/workbook.xml")).find(".//m:sheet", ns).get("name")
            print(json.dumps({"bad": z.testzip(), "rows": len(rows), "sheet": sheet,
                              "header": [c.find("m:is/m:t", ns).text for c in rows[0]]}, ensure_ascii=False))
            """
        let url = "http://\(server.httpHost):\(server.httpPort)/api/v1/reports/sales_funnel?format=xlsx"
        let result = JSON.object(try await TestPostgres.runBlocking { try Self.python(script, url, director.token) })
        #expect(result["bad"] is NSNull && (result["rows"] as? NSNumber)?.intValue == rows.count + 1, "\(result)")
        #expect(result["header"] as? [String] == columns && result["sheet"] as? String == "Воронка продаж", "\(result)")
        let audit = try await ownerQuery(
            server,
            """
            select details ->> 'format', details ->> 'rows' from audit.log
             where action = 'export' and details ->> 'report' = 'sales_funnel' order by id desc limit 1
            """)
        #expect(audit.first?[0] == "xlsx" && audit.first?[1] == String(rows.count))
        try await server.stop()
    }

    static func python(_ script: String, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problems = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("python3 failed: \(String(decoding: problems, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The reports in the document: the catalog (`GET /api/v1/reports`) and one report
/// (`GET /api/v1/reports/{name}`, JSON or CSV), made from `ReportCatalog`, the same
/// descriptions the controller serves.
enum ReportEndpoints {
    typealias F = FixedEndpoints

    static var operations: [OpenAPIOperation] { [list, report] }

    static var schemas: [String: JSONValue] {
        ["ReportList": reportList, "ReportAnswer": reportAnswer]
    }

    static let columnTypes = ["integer", "money", "decimal", "text", "date", "timestamp", "boolean"]

    static var reportList: JSONValue {
        F.object([
            (
                "reports",
                F.array(
                    F.object([
                        ("name", F.enumeration(ReportCatalog.all.map(\.name))), ("title", F.string), ("summary", F.string),
                        ("view", F.string), ("path", F.string),
                        (
                            "parameters",
                            F.array(
                                F.object([
                                    ("name", F.string), ("type", F.enumeration(["date", "integer", "choice", "currency"])),
                                    ("summary", F.string),
                                ]))
                        ),
                        ("columns", F.array(F.object([("name", F.string), ("type", F.enumeration(columnTypes))]))),
                    ]))
            )
        ])
    }

    static var reportAnswer: JSONValue {
        let cell: JSONValue = .obj(["type": .strings(["string", "integer", "number", "boolean", "null"])])
        return F.object([
            ("report", F.enumeration(ReportCatalog.all.map(\.name))),
            ("columns", F.array(F.object([("name", F.string), ("type", F.enumeration(columnTypes))]))),
            (
                "next_cursor",
                .obj([
                    "type": .strings(["string", "null"]),
                    "description": .string("the cursor parameter of the next page; null on the last"),
                ])
            ),
            (
                "parameters",
                .obj([
                    "type": .string("object"), "additionalProperties": cell,
                    "description": .string("the parameters as applied, defaults included"),
                ])
            ),
            (
                "rows",
                F.array(
                    .obj([
                        "type": .string("object"), "additionalProperties": cell,
                        "description": .string("one object per row, members as in columns; money and decimals are exact decimal strings"),
                    ]))
            ),
        ])
    }

    static var list: OpenAPIOperation {
        OpenAPIOperation(
            method: "get", path: "/api/v1/reports", id: "listReports",
            summary: "The reports with their parameters, columns and the reports.* view BI tools read", tag: "reports",
            responses: [200: OpenAPIOperation.json("The reports", .ref("ReportList"))], errors: [503])
    }

    /// Every parameter any report takes (each report names its own in the catalog listing).
    static var queryParameters: [JSONValue] {
        var seen = Set<String>()
        var out: [JSONValue] = []
        for parameter in ReportCatalog.all.flatMap(\.parameters) where seen.insert(parameter.name).inserted {
            let schema: JSONValue
            switch parameter.kind {
            case .date: schema = .obj(["type": .string("string"), "format": .string("date")])
            case .id: schema = .obj(["type": .string("integer"), "minimum": .number("1")])
            case .positiveInteger(let range):
                schema = .obj([
                    "type": .string("integer"), "minimum": .number("\(range.lowerBound)"),
                    "maximum": .number("\(range.upperBound)"),
                ])
            case .choice(let values): schema = F.enumeration(values)
            case .currency: schema = .obj(["type": .string("string"), "pattern": .string("^[A-Z]{3}$")])
            }
            out.append(OpenAPIOperation.query(parameter.name, schema, parameter.summary))
        }
        out.append(
            OpenAPIOperation.query(
                "format", F.enumeration(["json", "csv", "xlsx"]),
                "csv or xlsx: a download (CSV also with Accept: text/csv); needs the export action on reports"))
        out.append(
            OpenAPIOperation.query(
                "page_size", .obj(["type": .string("integer"), "minimum": .number("1"), "maximum": .number("10000")]),
                "rows in one JSON answer (default 1000; downloads have every row)"))
        out.append(OpenAPIOperation.query("cursor", .obj(["type": .string("string")]), "next_cursor of the previous page"))
        out.append(
            OpenAPIOperation.query(
                "separator", F.enumeration(["comma", "semicolon"]),
                "CSV separator; semicolon also writes decimals with a comma (Russian Excel)"))
        return out
    }

    static var report: OpenAPIOperation {
        let name: JSONValue = .obj([
            "name": .string("name"), "in": .string("path"), "required": .bool(true),
            "description": .string("the report (GET /api/v1/reports lists them)"),
            "schema": F.enumeration(ReportCatalog.all.map(\.name)),
        ])
        let ok: JSONValue = .obj([
            "description": .string("The report: JSON, or CSV (UTF-8 with BOM, streamed; the export is audited)"),
            "content": .obj([
                "application/json": .obj(["schema": .ref("ReportAnswer")]),
                "text/csv": .obj(["schema": .obj(["type": .string("string")])]),
                ExportFormat.xlsx.contentType: .obj(["schema": .obj(["type": .string("string"), "format": .string("binary")])]),
            ]),
        ])
        return OpenAPIOperation(
            method: "get", path: "/api/v1/reports/{name}", id: "getReport",
            summary: "One report over the rows the caller may see", tag: "reports",
            parameters: [name] + queryParameters, responses: [200: ok], errors: [403, 404, 422, 503])
    }
}

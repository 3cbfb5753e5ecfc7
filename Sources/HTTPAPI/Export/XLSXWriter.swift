import Foundation

/// A one-sheet Excel workbook (Office Open XML, .xlsx) written row by row into a streaming ZIP:
/// a bold frozen header, numbers and money as numbers (`# ##0.00` in a Russian Excel), dates as
/// dates (`ДД.ММ.ГГГГ`), booleans as booleans, everything else as text. Each call returns the
/// bytes to send next.
struct XLSXWriter {
    private var zip = ZIPStreamWriter()
    private let kinds: [ReportColumn.Kind]

    init(kinds: [ReportColumn.Kind]) {
        self.kinds = kinds
    }

    /// The fixed parts and the start of the sheet with its header row.
    mutating func begin(sheet: String, header: [String]) -> [UInt8] {
        var out = zip.entry("[Content_Types].xml", Self.contentTypes)
        out += zip.entry("_rels/.rels", Self.packageRelations)
        out += zip.entry("xl/workbook.xml", Self.workbook(Self.sheetName(sheet)))
        out += zip.entry("xl/_rels/workbook.xml.rels", Self.workbookRelations)
        out += zip.entry("xl/styles.xml", Self.styles)
        out += zip.begin("xl/worksheets/sheet1.xml")
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0">\
            <pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
            """
        // Columns wide enough for their kind of value (Excel has no auto-fit on opening).
        xml += "<cols>"
        for (index, kind) in kinds.enumerated() {
            xml +=
                "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(Self.width(kind, header: header[safe: index]))\" customWidth=\"1\"/>"
        }
        xml += "</cols><sheetData><row>"
        for name in header { xml += "<c t=\"inlineStr\" s=\"3\"><is><t>\(Self.escaped(name))</t></is></c>" }
        xml += "</row>"
        out += zip.write(Array(xml.utf8))
        return out
    }

    /// Rows of text values as PostgreSQL gives them (nil: an empty cell).
    mutating func rows(_ rows: [[String?]]) -> [UInt8] {
        var xml = ""
        for values in rows {
            xml += "<row>"
            for (index, value) in values.enumerated() {
                guard let value else {
                    xml += "<c/>"
                    continue
                }
                xml += Self.cell(value, kind: index < kinds.count ? kinds[index] : .text)
            }
            xml += "</row>"
        }
        return zip.write(Array(xml.utf8))
    }

    /// The end of the sheet and the archive.
    mutating func finish() -> [UInt8] {
        var out = zip.write(Array("</sheetData></worksheet>".utf8))
        out += zip.end()
        out += zip.finish()
        return out
    }

    /// A column's width in characters: by its kind, never narrower than its header.
    static func width(_ kind: ReportColumn.Kind, header: String?) -> Int {
        let byKind: Int
        switch kind {
        case .integer, .boolean: byKind = 10
        case .money, .decimal: byKind = 16
        case .date: byKind = 12
        case .timestamp: byKind = 26
        case .text: byKind = 30
        }
        return min(60, max(byKind, (header?.count ?? 0) + 2))
    }

    static func cell(_ value: String, kind: ReportColumn.Kind) -> String {
        switch kind {
        case .integer where Int64(value) != nil:
            return "<c><v>\(value)</v></c>"
        case .money where Decimal(string: value) != nil, .decimal where Decimal(string: value) != nil:
            return "<c s=\"\(kind == .money ? 1 : 0)\"><v>\(value)</v></c>"
        case .boolean:
            return "<c t=\"b\"><v>\(value == "true" || value == "t" ? 1 : 0)</v></c>"
        case .date:
            if let serial = serialDay(value) { return "<c s=\"2\"><v>\(serial)</v></c>" }
        default: break
        }
        return "<c t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escaped(value))</t></is></c>"
    }

    /// Excel's day number of an ISO date (days since 30 December 1899).
    static func serialDay(_ text: String) -> Int? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let day = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
            let epoch = calendar.date(from: DateComponents(year: 1899, month: 12, day: 30))
        else { return nil }
        return calendar.dateComponents([.day], from: epoch, to: day).day
    }

    /// Text as XML character data (`XMLText.escaped`).
    static func escaped(_ text: String) -> String { XMLText.escaped(text) }

    /// A sheet name Excel accepts: at most 31 characters, none of []:*?/\.
    static func sheetName(_ name: String) -> String {
        let cleaned = String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
        return cleaned.isEmpty ? "Sheet1" : cleaned
    }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        </Types>
        """

    static let packageRelations = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """

    static func workbook(_ sheet: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
        <sheets><sheet name="\(escaped(sheet))" sheetId="1" r:id="rId1"/></sheets></workbook>
        """
    }

    static let workbookRelations = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        </Relationships>
        """

    /// Styles: 0 general, 1 money (`#,##0.00`), 2 date (`dd.mm.yyyy`), 3 bold (the header).
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="1"><numFmt numFmtId="164" formatCode="dd.mm.yyyy"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

import Foundation
import FoundationXML

/// Reads the rows of the first worksheet of an .xlsx file (Office Open XML): unpacks the shared
/// strings and the sheet next to the file, then streams the sheet with Foundation's `XMLParser`,
/// handing each row to `emit` as its cells' text in column order (a row's number is Excel's,
/// `<row r="…">`). Cells of text (shared or inline), numbers and booleans are read; formulas
/// give their cached value. Blocking: call it on a thread of its own.
enum XLSXSheetReader {
    static func read(path: String, _ emit: @escaping (Int, [String]) throws -> Void) throws {
        let archive = try ZipArchiveReader(path: path)
        let sheetName =
            archive.entry("xl/worksheets/sheet1.xml")?.name
            ?? archive.entries.map(\.name).filter { $0.hasPrefix("xl/worksheets/") && $0.hasSuffix(".xml") }.sorted().first
        guard let sheetName, let sheet = archive.entry(sheetName) else {
            throw ImportFileError.fail("not an .xlsx file: it has no worksheet (xl/worksheets/sheet1.xml)")
        }
        let work = path + ".unpacked"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: work) }
        var shared: [String] = []
        if let strings = archive.entry("xl/sharedStrings.xml") {
            try archive.extract(strings, to: work + "/strings.xml")
            shared = try SharedStrings.read(path: work + "/strings.xml")
        }
        try archive.extract(sheet, to: work + "/sheet.xml")
        let rows = Rows(shared: shared, emit: emit)
        try parse(path: work + "/sheet.xml", delegate: rows) { rows.failure }
    }

    static func parse(path: String, delegate: any XMLParserDelegate, failure: () -> (any Error)?) throws {
        guard let stream = InputStream(fileAtPath: path) else { throw ImportFileError.fail("cannot open the uploaded file") }
        let parser = XMLParser(stream: stream)
        parser.delegate = delegate
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        if let failure = failure() { throw failure }
        if !ok { throw ImportFileError.fail("not an .xlsx file: bad XML at line \(parser.lineNumber) of a worksheet") }
    }

    /// The column index (0 = A) of a cell reference such as `AB12`.
    static func column(of reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard ("A"..."Z").contains(scalar) else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 || letters > 3 ? nil : index - 1
    }

    /// `<sst><si><t>…</t></si>…`: a rich text string is its runs' `<t>` joined.
    final class SharedStrings: NSObject, XMLParserDelegate {
        var strings: [String] = []
        var current = ""
        var inText = false
        var inPhonetic = false

        static func read(path: String) throws -> [String] {
            let reader = SharedStrings()
            try XLSXSheetReader.parse(path: path, delegate: reader) { nil }
            return reader.strings
        }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch name {
            case "si": current = ""
            case "t": inText = !inPhonetic
            case "rPh": inPhonetic = true
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "si": strings.append(current)
            case "t": inText = false
            case "rPh": inPhonetic = false
            default: break
            }
        }
    }

    /// `<sheetData><row r="2"><c r="B2" t="s"><v>3</v></c>…`.
    final class Rows: NSObject, XMLParserDelegate {
        let shared: [String]
        let emit: (Int, [String]) throws -> Void
        var failure: (any Error)?
        var row: [String] = []
        var rowNumber = 0
        var cellColumn = 0
        var cellType = ""
        var text = ""
        var inValue = false

        init(shared: [String], emit: @escaping (Int, [String]) throws -> Void) {
            self.shared = shared
            self.emit = emit
        }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch name {
            case "row":
                rowNumber = attributes["r"].flatMap { Int($0) } ?? rowNumber + 1
                row = []
            case "c":
                cellColumn = attributes["r"].flatMap(XLSXSheetReader.column(of:)) ?? row.count
                cellType = attributes["t"] ?? "n"
                text = ""
            case "v", "t":
                inValue = true
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if inValue { text += string } }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "v", "t":
                inValue = false
            case "c":
                guard cellColumn < 16_384 else { return }
                var value = text
                switch cellType {
                case "s": value = Int(text).flatMap { $0 >= 0 && $0 < shared.count ? shared[$0] : nil } ?? ""
                case "b": value = text == "1" ? "TRUE" : "FALSE"
                case "e": value = ""
                default: break
                }
                if row.count <= cellColumn { row.append(contentsOf: repeatElement("", count: cellColumn + 1 - row.count)) }
                row[cellColumn] = value
            case "row":
                do {
                    try emit(rowNumber, row)
                } catch {
                    failure = error
                    parser.abortParsing()
                }
            default: break
            }
        }
    }
}

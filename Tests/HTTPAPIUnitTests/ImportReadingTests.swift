import Foundation
import Testing

@testable import HTTPAPI

/// Reading imported files (issue 13): CSV records (quotes, line breaks in fields, CRLF, any
/// chunking), the delimiter and the encoding told from the bytes (windows-1251 as Russian Excel
/// saves), .xlsx sheets with shared and inline strings, and a row normalised into a COPY line
/// or a rejection naming its column.
@Suite("Import reading")
struct ImportReadingTests {
    static func records(_ text: [UInt8], delimiter: UInt8 = 0x3B, chunk: Int = 1 << 20) throws -> [(Int, [String])] {
        var reader = CSVRecordReader(delimiter: delimiter)
        var out: [(Int, [String])] = []
        let emit: (Int, [[UInt8]]) throws -> Void = { number, fields in
            out.append((number, fields.map { String(decoding: $0, as: UTF8.self) }))
        }
        var index = 0
        while index < text.count {
            try reader.feed(text[index..<min(text.count, index + chunk)], emit)
            index += chunk
        }
        try reader.finish(emit)
        return out
    }

    @Test("CSV: quoted delimiters, doubled quotes, line breaks in a field, CRLF, empty lines; the same in any chunks")
    func csvRecords() throws {
        let text = Array(
            "Наименование;Телефон;Комментарий\r\n\"ООО \"\"Ромашка\"\"\";\"+7 495; доб. 2\";\"две\r\nстроки\"\r\n\r\nИП Иванов;;\n;x;\nпоследняя;1;2"
                .utf8)
        let whole = try Self.records(text)
        #expect(
            whole.map(\.1) == [
                ["Наименование", "Телефон", "Комментарий"],
                ["ООО \"Ромашка\"", "+7 495; доб. 2", "две\r\nстроки"],
                ["ИП Иванов", "", ""],
                ["", "x", ""],
                ["последняя", "1", "2"],
            ])
        // Records are numbered as Excel numbers the rows it opens (an empty line is a row, a
        // line break inside quotes is not), for the rejected rows' report.
        #expect(whole.map(\.0) == [1, 2, 4, 5, 6])
        for chunk in [1, 2, 3, 7] {
            let pieces = try Self.records(text, chunk: chunk)
            #expect(pieces.map(\.1) == whole.map(\.1), "chunks of \(chunk)")
            #expect(pieces.map(\.0) == whole.map(\.0), "chunks of \(chunk)")
        }
    }

    @Test("CSV: a quote never closed is refused with its line, not read as one endless field")
    func brokenQuote() throws {
        var text = Array("a;b\n\"open;".utf8)
        text += [UInt8](repeating: 0x41, count: CSVRecordReader.fieldLimit + 10)
        #expect(throws: ImportFileError.self) { _ = try Self.records(text) }
    }

    @Test("the delimiter: the commonest of ; , and tab outside quotes on the first line; ; on a tie")
    func delimiter() {
        #expect(CSVRecordReader.detectDelimiter(Array("a;b;c\n1,2,3,4,5".utf8)) == 0x3B)
        #expect(CSVRecordReader.detectDelimiter(Array("\"a;b\",c,d\n".utf8)) == 0x2C)
        #expect(CSVRecordReader.detectDelimiter(Array("a\tb\tc;d\n".utf8)) == 0x09)
        #expect(CSVRecordReader.detectDelimiter(Array("a,b;c\n".utf8)) == 0x3B)
        #expect(CSVRecordReader.detectDelimiter(Array("name\n".utf8)) == 0x3B)
    }

    @Test("the encoding: UTF-8 (with or without BOM, cut mid-letter) or windows-1251, decoded right")
    func encoding() throws {
        let russian = "Ёлка, №5 «Щука», эх"
        let cp1251 = CommerceMLReaderTests.windows1251(russian)
        #expect(ImportTextEncoding.detect(cp1251) == .windows1251)
        #expect(ImportTextEncoding.windows1251.decode(cp1251[...]) == russian)
        #expect(ImportTextEncoding.detect(Array(russian.utf8)) == .utf8)
        #expect(ImportTextEncoding.detect([0xEF, 0xBB, 0xBF] + Array("x".utf8)) == .utf8)
        let cut = Array(Array("abc Щ".utf8).dropLast())
        #expect(ImportTextEncoding.detect(cut) == .utf8)
        #expect(ImportTextEncoding.utf8.decode([0x41, 0xC3][...]) == nil)
    }

    @Test("a CSV file in windows-1251 with commas: rows decoded, headings first")
    func csvFile() throws {
        let path = try Self.temporary("clients.csv", CommerceMLReaderTests.windows1251("Наименование,ИНН\nООО «Ёж»,7707083893\n"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try ImportFile(path: path)
        #expect(file.format == .csv && file.encoding == .windows1251 && file.delimiter == 0x2C)
        #expect(try file.headings() == ["Наименование", "ИНН"])
        var rows: [[String]] = []
        try file.rows { _, fields in rows.append(fields) }
        #expect(rows == [["Наименование", "ИНН"], ["ООО «Ёж»", "7707083893"]])
    }

    @Test(".xlsx: shared and inline strings, numbers, gaps between cells, rows by their numbers")
    func xlsxFile() throws {
        let sheet = """
            <?xml version="1.0" encoding="UTF-8"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>\
            <row r="3"><c r="A3" t="inlineStr"><is><t>ООО &lt;Ёж&gt;</t></is></c><c r="B3"><v>42</v></c>\
            <c r="C3"><v>7707083893</v></c></row>\
            </sheetData></worksheet>
            """
        let strings = """
            <?xml version="1.0" encoding="UTF-8"?>
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">\
            <si><t>Наименование</t></si><si><r><t>И</t></r><r><t>НН</t></r></si></sst>
            """
        var zip = ZIPStreamWriter()
        var bytes: [UInt8] = []
        for (name, content) in [("xl/sharedStrings.xml", strings), ("xl/worksheets/sheet1.xml", sheet)] {
            bytes += zip.begin(name) + zip.write(Array(content.utf8)) + zip.end()
        }
        bytes += zip.finish()
        let path = try Self.temporary("clients.xlsx", bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try ImportFile(path: path)
        #expect(file.format == .xlsx)
        var rows: [(Int, [String])] = []
        try file.rows { number, fields in rows.append((number, fields)) }
        #expect(rows.map(\.0) == [1, 3])
        #expect(rows.map(\.1) == [["Наименование", "", "ИНН"], ["ООО <Ёж>", "42", "7707083893"]])
        // A ZIP cut short is refused as such, not read halfway.
        let cut = try Self.temporary("cut.xlsx", Array(bytes.prefix(bytes.count - 30)))
        defer { try? FileManager.default.removeItem(atPath: cut) }
        #expect(throws: ImportFileError.self) { try ImportFile(path: cut).rows { _, _ in } }
    }

    static func temporary(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "/import-test-\(UUID().uuidString)-\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let columns: [ClientImportField: Int] = [
        .name: 0, .inn: 1, .kpp: 2, .phone: 3, .email: 4, .kind: 5, .contactName: 6,
    ]

    /// The fields of a COPY text line (`\N` as nil).
    static func copyFields(_ line: String?) -> [String?] {
        guard let line else { return [] }
        return line.dropLast().split(separator: "\t", omittingEmptySubsequences: false).map { $0 == "\\N" ? nil : String($0) }
    }

    @Test("a row normalised: spaces, phones as +7…, e-mails lower-cased, the ИНН's lost leading zero, the kind's word")
    func normalised() {
        let normalizer = ClientRowNormalizer(columns: Self.columns)
        let fields = Self.copyFields(
            normalizer.line(
                number: 2,
                fields: [
                    "  ООО\u{00A0} «Ромашка»  ", "7707083893", "770701001", "8 (495) 123-45-67; +7 916 123 45 67, 8 495 123-45-67",
                    "Info@Romashka.RU", "Поставщик", "Иванов Иван",
                ]))
        #expect(fields[0] == "2" && fields[1] == "ООО «Ромашка»" && fields[2] == "supplier")
        #expect(fields[3] == "7707083893" && fields[4] == "770701001")
        #expect(fields[10] == #"{"+74951234567","+79161234567"}"# && fields[11] == #"{"info@romashka.ru"}"#, "\(fields)")
        #expect(fields[14] == "+74951234567" && fields[15] == nil && fields[17] == nil)
        // An individual's ИНН whose leading zero a spreadsheet dropped (12 digits → 11).
        let repaired = Self.copyFields(normalizer.line(number: 3, fields: ["ИП Петров", "10100732251", "", "", "", "", ""]))
        #expect(repaired[3] == "010100732251" && repaired[17] == nil, "\(repaired)")
        // A row with nothing in the mapped columns is skipped.
        #expect(normalizer.line(number: 4, fields: ["", " ", "", "", "", "", ""]) == nil)
    }

    @Test("a row rejected with its column and reason: check digit, КПП without a company's ИНН, phone, e-mail, kind, no name")
    func rejected() {
        let normalizer = ClientRowNormalizer(columns: Self.columns)
        func rejection(_ fields: [String]) -> [String?] {
            let line = Self.copyFields(normalizer.line(number: 9, fields: fields))
            return [line[15], line[16], line[17]]
        }
        #expect(rejection(["А", "1234567890", "", "", "", "", ""])[0] == "inn")
        #expect(rejection(["А", "500100732259", "770701001", "", "", "", ""])[0] == "kpp")
        #expect(rejection(["А", "", "", "12", "", "", ""]) == ["phone", "12", "is not a phone number"])
        #expect(rejection(["А", "", "", "", "не почта", "", ""]) == ["email", "не почта", "is not an e-mail address"])
        #expect(rejection(["А", "", "", "", "", "партнёр", ""])[0] == "kind")
        #expect(rejection(["", "7707083893", "", "", "", "", ""])[0] == "name")
        let long = String(repeating: "я", count: ClientRowNormalizer.valueLimit + 1)
        #expect(rejection([long, "", "", "", "", "", ""])[2] == "longer than 1000 characters")
    }
}

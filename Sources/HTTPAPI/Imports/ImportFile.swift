import Foundation

/// An uploaded file to import, CSV or .xlsx (told apart by its first bytes: an .xlsx is a ZIP),
/// read row by row. A CSV file's encoding (UTF-8 or windows-1251) and delimiter (`;`, `,` or
/// tab) are decided from its first megabyte. Blocking file I/O: call it on a thread of its own.
struct ImportFile: Sendable {
    enum Format: String, Sendable {
        case csv, xlsx
    }

    let path: String
    let format: Format
    let encoding: ImportTextEncoding
    let delimiter: UInt8

    init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportFileError.fail("cannot open the uploaded file") }
        defer { try? handle.close() }
        let sample = [UInt8](try handle.read(upToCount: 1 << 20) ?? Data())
        guard !sample.isEmpty else { throw ImportFileError.fail("the file is empty") }
        format = sample.starts(with: [0x50, 0x4B, 0x03, 0x04]) ? .xlsx : .csv
        encoding = ImportTextEncoding.detect(sample)
        let text = sample.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(sample.dropFirst(3)) : sample
        delimiter = CSVRecordReader.detectDelimiter(text)
    }

    /// Every row with its number (1 = the first line), as text, until `emit` throws.
    func rows(_ emit: @escaping (Int, [String]) throws -> Void) throws {
        switch format {
        case .xlsx:
            try XLSXSheetReader.read(path: path, emit)
        case .csv:
            guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportFileError.fail("cannot open the uploaded file") }
            defer { try? handle.close() }
            var reader = CSVRecordReader(delimiter: delimiter)
            let encoding = self.encoding
            let deliver: (Int, [[UInt8]]) throws -> Void = { number, record in
                var fields: [String] = []
                fields.reserveCapacity(record.count)
                for field in record {
                    guard let text = encoding.decode(field[...]) else {
                        throw ImportFileError.fail("row \(number) is not valid UTF-8 (save the file as UTF-8 or windows-1251)")
                    }
                    fields.append(text)
                }
                try emit(number, fields)
            }
            var first = true
            while true {
                var chunk = [UInt8](try handle.read(upToCount: 1 << 20) ?? Data())
                if chunk.isEmpty { break }
                if first, chunk.starts(with: [0xEF, 0xBB, 0xBF]) { chunk.removeFirst(3) }
                first = false
                try reader.feed(chunk, deliver)
            }
            try reader.finish(deliver)
        }
    }

    struct Enough: Error {}

    /// The headings: the first row's text.
    func headings() throws -> [String] {
        var found: [String]?
        do {
            try rows { _, fields in
                found = fields
                throw Enough()
            }
        } catch is Enough {}
        guard let found else { throw ImportFileError.fail("the file is empty") }
        return found
    }
}

/// Splits CSV bytes, fed in chunks of any size, into records of fields: fields separated by the
/// delimiter, a field in double quotes may hold delimiters, line breaks and doubled quotes
/// (`""` is one `"`), records end with LF or CRLF, empty lines are skipped. Works on bytes, so
/// it serves UTF-8 and windows-1251 alike (every byte it looks at is ASCII in both); fields are
/// decoded by the caller.
struct CSVRecordReader {
    let delimiter: UInt8
    /// The longest field taken (a broken quote would otherwise read the whole file as one).
    static let fieldLimit = 100_000

    private var field: [UInt8] = []
    private var record: [[UInt8]] = []
    private var inQuotes = false
    private var quotePending = false
    private var fieldStarted = false
    private var wasQuoted = false
    /// The record (1 = the first line) the reader is in, for messages.
    private(set) var recordNumber = 1

    init(delimiter: UInt8) {
        self.delimiter = delimiter
    }

    /// The delimiter of a file whose first bytes are `sample`: of `;`, `,` and tab, the one
    /// found most often outside quotes on its first line (`;` on a tie, as Russian Excel saves).
    static func detectDelimiter(_ sample: [UInt8]) -> UInt8 {
        var counts: [UInt8: Int] = [0x3B: 0, 0x2C: 0, 0x09: 0]
        var quoted = false
        for byte in sample {
            if byte == 0x22 { quoted.toggle() }
            if quoted { continue }
            if byte == 0x0A { break }
            if counts[byte] != nil { counts[byte]! += 1 }
        }
        let best = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key != 0x3B && b.key == 0x3B }!
        return best.value == 0 ? 0x3B : best.key
    }

    /// Reads `bytes`, handing every finished record to `emit` with its number (1 = the first).
    mutating func feed(_ bytes: some Collection<UInt8>, _ emit: (Int, [[UInt8]]) throws -> Void) throws {
        for byte in bytes {
            if inQuotes {
                if quotePending {
                    quotePending = false
                    if byte == 0x22 {
                        try append(byte)
                        continue
                    }
                    inQuotes = false
                } else if byte == 0x22 {
                    quotePending = true
                    continue
                } else {
                    try append(byte)
                    continue
                }
            }
            switch byte {
            case 0x22 where !fieldStarted:
                inQuotes = true
                fieldStarted = true
                wasQuoted = true
            case delimiter:
                endField()
            case 0x0A:
                if !wasQuoted, field.last == 0x0D { field.removeLast() }
                endField()
                try endRecord(emit)
            case 0x0D where wasQuoted:
                continue  // after a closing quote: the CR of a CRLF
            default:
                try append(byte)
            }
        }
    }

    /// Ends the input: the last record (without a final line break) is handed over; an open
    /// quote is an error.
    mutating func finish(_ emit: (Int, [[UInt8]]) throws -> Void) throws {
        if inQuotes && !quotePending {
            throw ImportFileError.fail("row \(recordNumber): a quoted field is not closed (its closing quote is missing)")
        }
        inQuotes = false
        quotePending = false
        if fieldStarted || !record.isEmpty {
            if field.last == 0x0D { field.removeLast() }
            endField()
            try endRecord(emit)
        }
    }

    private mutating func append(_ byte: UInt8) throws {
        fieldStarted = true
        guard field.count < Self.fieldLimit else {
            throw ImportFileError.fail("row \(recordNumber): a field is longer than \(Self.fieldLimit) bytes (a quote not closed?)")
        }
        field.append(byte)
    }

    private mutating func endField() {
        record.append(field)
        field.removeAll(keepingCapacity: true)
        fieldStarted = false
        wasQuoted = false
    }

    private mutating func endRecord(_ emit: (Int, [[UInt8]]) throws -> Void) throws {
        let done = record
        let number = recordNumber
        record.removeAll(keepingCapacity: true)
        recordNumber += 1
        if done.count == 1 && done[0].isEmpty { return }  // an empty line
        try emit(number, done)
    }
}

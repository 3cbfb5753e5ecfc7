/// The bytes of a download as it is written: CSV lines or the parts of an .xlsx workbook.
/// Used by one task at a time (the download's), hence `@unchecked Sendable`.
final class ExportFile: @unchecked Sendable {
    private let format: ExportFormat
    private let header: [String]
    private let csv: CSVEncoder
    private var xlsx: XLSXWriter

    init(format: ExportFormat, header: [String], kinds: [ReportColumn.Kind], separator: CSVEncoder.Separator) {
        self.format = format
        self.header = header
        csv = CSVEncoder(columns: zip(header, kinds).map { ReportColumn($0.0, $0.1) }, separator: separator)
        xlsx = XLSXWriter(kinds: kinds)
    }

    func begin(sheet: String) -> [UInt8] {
        switch format {
        case .csv: return Array(csv.header().readableBytesView)
        case .xlsx: return xlsx.begin(sheet: sheet, header: header)
        }
    }

    func rows(_ rows: [[String?]]) -> [UInt8] {
        switch format {
        case .csv: return Array(rows.map { csv.row($0) }.joined().utf8)
        case .xlsx: return xlsx.rows(rows)
        }
    }

    func finish() -> [UInt8] {
        format == .xlsx ? xlsx.finish() : []
    }
}

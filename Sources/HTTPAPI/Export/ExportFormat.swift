/// The file formats a list or a report can be downloaded in.
enum ExportFormat: String, Sendable {
    case csv, xlsx

    var contentType: String {
        switch self {
        case .csv: return "text/csv; charset=utf-8"
        case .xlsx: return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }
}

extension ReportColumn.Kind {
    /// How a resource field's value is written in a file.
    init(_ type: FieldType) {
        switch type {
        case .integer, .reference: self = .integer
        case .money: self = .money
        case .quantity, .decimal: self = .decimal
        case .date: self = .date
        case .timestamp: self = .timestamp
        case .boolean: self = .boolean
        default: self = .text
        }
    }
}

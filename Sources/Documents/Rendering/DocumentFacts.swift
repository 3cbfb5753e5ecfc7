/// What the document itself adds to the deal's data: its kind, number, date and VAT rate.
public struct DocumentFacts: Sendable {
    public let kind: DocumentKind
    public let number: Int64
    public let date: RussianDate
    public let vat: VATRate

    public init(kind: DocumentKind, number: Int64, date: RussianDate, vat: VATRate) {
        self.kind = kind
        self.number = number
        self.date = date
        self.vat = vat
    }

    /// «Счёт на оплату № 15 от 2 декабря 2026 г.»
    public var title: String { "\(kind.title) № \(number) от \(date.long)" }

    /// The name of its files without the extension: «Счёт на оплату № 15 от 02.12.2026».
    public var fileName: String { "\(kind.title) № \(number) от \(date.short)" }
}

/// What a template makes: a proposal (КП), a contract, a specification, an invoice for payment
/// (счёт на оплату) or a letter. Each kind has its own number sequence per year.
public enum DocumentKind: String, Sendable, CaseIterable {
    case proposal, contract, specification, invoice, letter

    /// The document's name in Russian, as printed and stored (`Счёт на оплату`).
    public var title: String {
        switch self {
        case .proposal: return "Коммерческое предложение"
        case .contract: return "Договор"
        case .specification: return "Спецификация"
        case .invoice: return "Счёт на оплату"
        case .letter: return "Письмо"
        }
    }
}

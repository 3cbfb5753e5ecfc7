/// How a currency is named in Russian documents: its unit and hundredth with their plural forms
/// and genders, and its sign after an amount.
public struct CurrencyNames: Sendable {
    public let code: String
    public let unit: RussianPlural.Forms
    public let unitGender: RussianNumberWords.Gender
    public let fraction: RussianPlural.Forms
    public let fractionGender: RussianNumberWords.Gender
    /// What follows an amount in figures: «₽», «$», «€», or the code.
    public let sign: String

    /// The names of an ISO 4217 code; a currency without Russian names gets its code for both
    /// unit and hundredth (`«… 15 USD»` style), never a wrong word.
    public static func of(_ code: String) -> CurrencyNames {
        known[code.uppercased()]
            ?? CurrencyNames(
                code: code.uppercased(), unit: .init(code.uppercased(), code.uppercased(), code.uppercased()), unitGender: .masculine,
                fraction: .init("сотых", "сотых", "сотых"), fractionGender: .feminine, sign: code.uppercased())
    }

    static let known: [String: CurrencyNames] = [
        "RUB": CurrencyNames(
            code: "RUB", unit: .init("рубль", "рубля", "рублей"), unitGender: .masculine,
            fraction: .init("копейка", "копейки", "копеек"), fractionGender: .feminine, sign: "₽"),
        "USD": CurrencyNames(
            code: "USD", unit: .init("доллар США", "доллара США", "долларов США"), unitGender: .masculine,
            fraction: .init("цент", "цента", "центов"), fractionGender: .masculine, sign: "$"),
        "EUR": CurrencyNames(
            code: "EUR", unit: .init("евро", "евро", "евро"), unitGender: .masculine,
            fraction: .init("евроцент", "евроцента", "евроцентов"), fractionGender: .masculine, sign: "€"),
        "CNY": CurrencyNames(
            code: "CNY", unit: .init("китайский юань", "китайских юаня", "китайских юаней"), unitGender: .masculine,
            fraction: .init("фэнь", "фэня", "фэней"), fractionGender: .masculine, sign: "¥"),
        "KZT": CurrencyNames(
            code: "KZT", unit: .init("тенге", "тенге", "тенге"), unitGender: .masculine,
            fraction: .init("тиын", "тиына", "тиынов"), fractionGender: .masculine, sign: "₸"),
        "BYN": CurrencyNames(
            code: "BYN", unit: .init("белорусский рубль", "белорусских рубля", "белорусских рублей"),
            unitGender: .masculine, fraction: .init("копейка", "копейки", "копеек"), fractionGender: .feminine,
            sign: "Br"),
    ]
}

import Documents
import Testing

/// The amount in words of Russian invoices: numerals in the unit's gender, «тысяча» feminine,
/// 11–14 always «…надцать рублей», the plural of the unit and of the hundredths.
@Suite("Amount in words")
struct AmountInWordsTests {
    static func rub(_ text: String) -> String { AmountInWords.russian(Money(text, currency: "RUB")!) }

    @Test(
        "rubles and kopecks, edge cases",
        arguments: [
            ("0", "Ноль рублей 00 копеек"),
            ("1", "Один рубль 00 копеек"),
            ("2", "Два рубля 00 копеек"),
            ("4", "Четыре рубля 00 копеек"),
            ("5", "Пять рублей 00 копеек"),
            ("11", "Одиннадцать рублей 00 копеек"),
            ("12", "Двенадцать рублей 00 копеек"),
            ("14", "Четырнадцать рублей 00 копеек"),
            ("20", "Двадцать рублей 00 копеек"),
            ("21", "Двадцать один рубль 00 копеек"),
            ("22", "Двадцать два рубля 00 копеек"),
            ("101", "Сто один рубль 00 копеек"),
            ("111", "Сто одиннадцать рублей 00 копеек"),
            ("112", "Сто двенадцать рублей 00 копеек"),
            ("1000", "Одна тысяча рублей 00 копеек"),
            ("1001", "Одна тысяча один рубль 00 копеек"),
            ("2000", "Две тысячи рублей 00 копеек"),
            ("5000", "Пять тысяч рублей 00 копеек"),
            ("11000", "Одиннадцать тысяч рублей 00 копеек"),
            ("12000", "Двенадцать тысяч рублей 00 копеек"),
            ("21000", "Двадцать одна тысяча рублей 00 копеек"),
            ("22000", "Двадцать две тысячи рублей 00 копеек"),
            ("111000", "Сто одиннадцать тысяч рублей 00 копеек"),
            ("1000000", "Один миллион рублей 00 копеек"),
            ("2000000", "Два миллиона рублей 00 копеек"),
            ("5000000", "Пять миллионов рублей 00 копеек"),
            ("1000000000", "Один миллиард рублей 00 копеек"),
            ("1000000000000", "Один триллион рублей 00 копеек"),
            ("2000001000", "Два миллиарда одна тысяча рублей 00 копеек"),
            ("1234567.89", "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек"),
            ("0.01", "Ноль рублей 01 копейка"),
            ("0.02", "Ноль рублей 02 копейки"),
            ("0.05", "Ноль рублей 05 копеек"),
            ("0.10", "Ноль рублей 10 копеек"),
            ("0.11", "Ноль рублей 11 копеек"),
            ("0.21", "Ноль рублей 21 копейка"),
            ("3.00", "Три рубля 00 копеек"),
            ("999999.99", "Девятьсот девяносто девять тысяч девятьсот девяносто девять рублей 99 копеек"),
            ("40.5", "Сорок рублей 50 копеек"),
        ])
    func rubles(_ amount: String, _ words: String) {
        #expect(Self.rub(amount) == words)
    }

    @Test("other currencies: dollars and cents, euros and eurocents")
    func otherCurrencies() {
        #expect(AmountInWords.russian(Money("1.01", currency: "USD")!) == "Один доллар США 01 цент")
        #expect(AmountInWords.russian(Money("2.02", currency: "USD")!) == "Два доллара США 02 цента")
        #expect(AmountInWords.russian(Money("25.11", currency: "USD")!) == "Двадцать пять долларов США 11 центов")
        #expect(AmountInWords.russian(Money("1.01", currency: "EUR")!) == "Один евро 01 евроцент")
        #expect(AmountInWords.russian(Money("21000.05", currency: "EUR")!) == "Двадцать одна тысяча евро 05 евроцентов")
        #expect(AmountInWords.russian(Money("2", currency: "CNY")!) == "Два китайских юаня 00 фэней")
    }

    @Test("numerals in each gender")
    func genders() {
        #expect(RussianNumberWords.words(1, gender: .feminine) == "одна")
        #expect(RussianNumberWords.words(2, gender: .feminine) == "две")
        #expect(RussianNumberWords.words(1, gender: .neuter) == "одно")
        #expect(RussianNumberWords.words(2, gender: .neuter) == "два")
        #expect(RussianNumberWords.words(12_012, gender: .masculine) == "двенадцать тысяч двенадцать")
        #expect(RussianNumberWords.words(999_999_999_999_999, gender: .masculine).hasPrefix("девятьсот девяносто девять триллионов"))
    }

    @Test("plural forms after a number")
    func plurals() {
        let forms = RussianPlural.Forms("рубль", "рубля", "рублей")
        let expected: [(UInt64, String)] = [
            (0, "рублей"), (1, "рубль"), (2, "рубля"), (4, "рубля"), (5, "рублей"), (11, "рублей"),
            (12, "рублей"), (14, "рублей"), (21, "рубль"), (101, "рубль"), (111, "рублей"),
            (112, "рублей"), (1_000_001, "рубль"), (1_000_011, "рублей"),
        ]
        for (number, form) in expected {
            #expect(RussianPlural.form(number, forms) == form, "\(number)")
        }
    }
}

import Documents
import Testing

/// Amounts `1 234 567,89 ₽` (no-break spaces between thousands, a decimal comma), quantities,
/// dates «2 декабря 2026 г.», VAT inside prices.
@Suite("Russian number, date and VAT formatting")
struct RussianFormattingTests {
    static func money(_ text: String, _ currency: String = "RUB") -> Money { Money(text, currency: currency)! }

    @Test(
        "amounts in groups of three with a comma",
        arguments: [
            ("0", "0,00"), ("1", "1,00"), ("12", "12,00"), ("999", "999,00"), ("1000", "1 000,00"), ("2000", "2 000,00"),
            ("12345.6", "12 345,60"), ("100000", "100 000,00"), ("1000000", "1 000 000,00"), ("1234567.89", "1 234 567,89"),
            ("1000000000000", "1 000 000 000 000,00"), ("0.01", "0,01"), ("0.1", "0,10"), ("-1500.5", "-1 500,50"),
        ])
    func amounts(_ text: String, _ printed: String) {
        #expect(RussianNumberFormat.money(Self.money(text), separator: " ") == printed)
    }

    @Test("the separator is a no-break space by default, the sign after the amount")
    func noBreakSpace() {
        #expect(RussianNumberFormat.money(Self.money("1234567.89")) == "1\u{00A0}234\u{00A0}567,89")
        #expect(RussianNumberFormat.moneyWithSign(Self.money("1234567.89"), separator: " ") == "1 234 567,89 ₽")
        #expect(RussianNumberFormat.moneyWithSign(Self.money("15", "USD"), separator: " ") == "15,00 $")
        #expect(RussianNumberFormat.moneyWithSign(Self.money("3.5", "EUR"), separator: " ") == "3,50 €")
    }

    @Test("money text is parsed exactly or refused")
    func parsing() {
        #expect(Money("1234567.89", currency: "RUB")?.minorUnits == 123_456_789)
        #expect(Money("9999999999999999.99", currency: "RUB")?.minorUnits == 999_999_999_999_999_999)
        for bad in ["", ".5", "1.234", "1e5", "1,5", "abc", "1 000", "--1", "1.", "12345678901234567"] {
            #expect(Money(bad, currency: "RUB") == nil, "\(bad)")
        }
    }

    @Test(
        "quantities: groups, comma, no trailing zeros",
        arguments: [
            ("1", "1"), ("1.000", "1"), ("12.500", "12,5"), ("1234.125", "1 234,125"), ("0.250", "0,25"), ("1000000", "1 000 000"),
        ])
    func quantities(_ text: String, _ printed: String) {
        #expect(RussianNumberFormat.decimal(text, separator: " ") == printed)
    }

    @Test("dates: «2 декабря 2026 г.» and 02.12.2026")
    func dates() {
        #expect(RussianDate(iso: "2026-12-02")?.long == "2 декабря 2026 г.")
        #expect(RussianDate(iso: "2026-12-02")?.short == "02.12.2026")
        #expect(RussianDate(iso: "2025-01-31")?.long == "31 января 2025 г.")
        #expect(RussianDate(iso: "2026-05-09T10:00:00+03")?.long == "9 мая 2026 г.")
        let months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]
        for (index, month) in months.enumerated() {
            #expect(RussianDate(year: 2026, month: index + 1, day: 1)?.long == "1 \(month) 2026 г.")
        }
        #expect(RussianDate(iso: "2026-13-01") == nil)
        #expect(RussianDate(iso: "garbage") == nil)
    }

    @Test("VAT inside an amount, rounded half up to the kopeck")
    func vat() {
        let total = Self.money("1200")
        #expect(VATRate.percent(20).included(in: total) == Self.money("200"))
        #expect(VATRate.percent(10).included(in: Self.money("110")) == Self.money("10"))
        #expect(VATRate.percent(22).included(in: Self.money("1220")) == Self.money("220"))
        #expect(VATRate.percent(0).included(in: total) == Self.money("0"))
        #expect(VATRate.none.included(in: total) == Self.money("0"))
        // 100 * 20 / 120 = 16.666… → 16.67; 0.05 * 20 / 120 = 0.00833 → 0.01
        #expect(VATRate.percent(20).included(in: Self.money("100")) == Self.money("16.67"))
        #expect(VATRate.percent(20).included(in: Self.money("0.05")) == Self.money("0.01"))
        #expect(VATRate.percent(20).included(in: Self.money("0.03")) == Self.money("0.01"))
        #expect(VATRate.percent(20).included(in: Self.money("0.02")) == Self.money("0"))
        #expect(VATRate.percent(20).label == "В том числе НДС (20%)")
        #expect(VATRate.percent(10).label == "В том числе НДС (10%)")
        #expect(VATRate.percent(0).label == "В том числе НДС (0%)")
        #expect(VATRate.none.label == "Без НДС")
        #expect(VATRate(code: "none") == VATRate.none)
        #expect(VATRate(code: "20") == .percent(20))
        #expect(VATRate(code: "18") == nil)
    }
}

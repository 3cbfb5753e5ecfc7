/// An amount in words as Russian invoices write it: «Один миллион двести тридцать четыре тысячи
/// пятьсот шестьдесят семь рублей 89 копеек» — the whole units in words in the unit's gender and
/// plural, the hundredths in two figures with theirs.
public enum AmountInWords {
    public static func russian(_ amount: Money) -> String {
        let names = CurrencyNames.of(amount.currency)
        let (units, hundredths) = amount.parts
        var text =
            RussianNumberWords.words(units, gender: names.unitGender) + " " + RussianPlural.form(units, names.unit)
            + " " + (hundredths < 10 ? "0" : "") + "\(hundredths) " + RussianPlural.form(UInt64(hundredths), names.fraction)
        if amount.minorUnits < 0 { text = "минус " + text }
        return text.prefix(1).uppercased() + text.dropFirst()
    }
}

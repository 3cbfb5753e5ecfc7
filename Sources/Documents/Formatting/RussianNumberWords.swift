/// Whole numbers in Russian words, in the grammatical gender of the noun they count
/// («один рубль», «одна тысяча», «два евро», «две копейки»), up to 999 триллионов.
public enum RussianNumberWords {
    public enum Gender: Sendable {
        case masculine, feminine, neuter
    }

    /// `12_001` → «двенадцать тысяч один» (masculine). Zero is «ноль».
    public static func words(_ number: UInt64, gender: Gender) -> String {
        if number == 0 { return "ноль" }
        var parts: [String] = []
        var rest = number
        var groups: [Int] = []
        while rest > 0 {
            groups.append(Int(rest % 1000))
            rest /= 1000
        }
        precondition(groups.count <= scales.count + 1, "\(number) is beyond the named scales")
        for index in stride(from: groups.count - 1, through: 0, by: -1) {
            let group = groups[index]
            if group == 0 { continue }
            if index == 0 {
                parts.append(contentsOf: triple(group, gender: gender))
            } else {
                let scale = scales[index - 1]
                parts.append(contentsOf: triple(group, gender: scale.gender))
                parts.append(RussianPlural.form(UInt64(group), scale.forms))
            }
        }
        return parts.joined(separator: " ")
    }

    /// The words of 1…999.
    static func triple(_ n: Int, gender: Gender) -> [String] {
        var words: [String] = []
        if n >= 100 { words.append(hundreds[n / 100]) }
        let tail = n % 100
        if tail >= 10 && tail < 20 {
            words.append(teens[tail - 10])
            return words
        }
        if tail >= 20 { words.append(tens[tail / 10]) }
        let unit = tail % 10
        if unit > 0 {
            switch (unit, gender) {
            case (1, .feminine): words.append("одна")
            case (1, .neuter): words.append("одно")
            case (2, .feminine): words.append("две")
            default: words.append(units[unit])
            }
        }
        return words
    }

    static let units = ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
    static let teens = [
        "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
        "семнадцать", "восемнадцать", "девятнадцать",
    ]
    static let tens = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"]
    static let hundreds = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"]

    /// Thousands, millions, … with their gender and forms (one, few, many).
    static let scales: [(gender: Gender, forms: RussianPlural.Forms)] = [
        (.feminine, .init("тысяча", "тысячи", "тысяч")),
        (.masculine, .init("миллион", "миллиона", "миллионов")),
        (.masculine, .init("миллиард", "миллиарда", "миллиардов")),
        (.masculine, .init("триллион", "триллиона", "триллионов")),
        (.masculine, .init("квадриллион", "квадриллиона", "квадриллионов")),
        (.masculine, .init("квинтиллион", "квинтиллиона", "квинтиллионов")),
    ]
}

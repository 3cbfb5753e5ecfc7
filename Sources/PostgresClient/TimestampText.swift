/// Conversion between microseconds since the Unix epoch (UTC) and PostgreSQL ISO text.
enum TimestampText {
    static let microsPerDay: Int64 = 86_400_000_000

    /// `2024-05-01 12:30:45.123456+00` (always UTC, always six fractional digits).
    static func format(micros: Int64) -> String {
        let days = floorDiv(micros, microsPerDay)
        var rest = micros - days * microsPerDay
        let (y, m, d) = civil(fromDays: days)
        let hour = rest / 3_600_000_000
        rest %= 3_600_000_000
        let minute = rest / 60_000_000
        rest %= 60_000_000
        let second = rest / 1_000_000
        let micro = rest % 1_000_000
        let bc = y <= 0
        let year = bc ? 1 - y : y
        var out = pad(year, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + " "
        out += pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2) + "." + pad(micro, 6) + "+00"
        return bc ? out + " BC" : out
    }

    /// `2024-05-01` for a day number since 1970-01-01.
    static func formatDate(days: Int64) -> String {
        let (y, m, d) = civil(fromDays: days)
        let bc = y <= 0
        let out = pad(bc ? 1 - y : y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
        return bc ? out + " BC" : out
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff][±HH[:MM[:SS]]]][ BC]`; nil if malformed.
    static func parse(_ text: String) -> Int64? {
        var s = Substring(text)
        var bc = false
        if s.hasSuffix(" BC") {
            bc = true
            s = s.dropLast(3)
        }
        var scanner = Scanner(s)
        guard var year = scanner.int(minDigits: 4), scanner.skip("-"),
            let month = scanner.int(minDigits: 2, maxDigits: 2), scanner.skip("-"),
            let day = scanner.int(minDigits: 2, maxDigits: 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        if bc { year = 1 - year }
        var micros = days(fromCivil: year, month, day) * microsPerDay
        if scanner.atEnd { return micros }
        guard scanner.skip(" ") || scanner.skip("T"),
            let hour = scanner.int(minDigits: 2, maxDigits: 2), scanner.skip(":"),
            let minute = scanner.int(minDigits: 2, maxDigits: 2), scanner.skip(":"),
            let second = scanner.int(minDigits: 2, maxDigits: 2),
            hour <= 24, minute < 60, second < 61
        else { return nil }
        micros += ((hour * 60 + minute) * 60 + second) * 1_000_000
        if scanner.skip(".") {
            guard let (fraction, count) = scanner.digits(), count <= 6 else { return nil }
            var f = fraction
            for _ in count..<6 { f *= 10 }
            micros += f
        }
        if let sign = scanner.peek, sign == "+" || sign == "-" {
            scanner.advance()
            guard let oh = scanner.int(minDigits: 2, maxDigits: 2) else { return nil }
            var offset = oh * 3600
            if scanner.skip(":") {
                guard let om = scanner.int(minDigits: 2, maxDigits: 2) else { return nil }
                offset += om * 60
                if scanner.skip(":") {
                    guard let os = scanner.int(minDigits: 2, maxDigits: 2) else { return nil }
                    offset += os
                }
            }
            micros -= (sign == "+" ? offset : -offset) * 1_000_000
        }
        return scanner.atEnd ? micros : nil
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Howard Hinnant's days-from-civil (proleptic Gregorian).
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }

    /// A tiny ASCII scanner over a substring.
    struct Scanner {
        var rest: Substring.UTF8View
        init(_ s: Substring) { rest = s.utf8 }
        var atEnd: Bool { rest.isEmpty }
        var peek: Character? { rest.first.map { Character(Unicode.Scalar($0)) } }
        mutating func advance() { rest = rest.dropFirst() }
        mutating func skip(_ c: Character) -> Bool {
            guard peek == c else { return false }
            advance()
            return true
        }
        mutating func digits(max: Int = 18) -> (Int64, Int)? {
            var value: Int64 = 0
            var count = 0
            while let b = rest.first, b >= 48, b <= 57, count < max {
                value = value * 10 + Int64(b - 48)
                count += 1
                advance()
            }
            return count == 0 ? nil : (value, count)
        }
        mutating func int(minDigits: Int, maxDigits: Int = 9) -> Int64? {
            guard let (value, count) = digits(max: maxDigits), count >= minDigits else { return nil }
            return value
        }
    }
}

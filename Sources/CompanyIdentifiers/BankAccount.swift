/// A Russian bank account (20 digits) checked against the bank's БИК, as the Bank of Russia
/// defines the key: the 23 digits of a control string (for a settlement account the БИК's last
/// three digits and the account; for a correspondent account "0", the БИК's 5th and 6th digits
/// and the account), weighted 7, 1, 3 over and over, add up to a multiple of 10.
public struct BankAccount: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// Расчётный счёт (the client's account at its bank).
        case settlement
        /// Корреспондентский счёт (the bank's account at the Bank of Russia).
        case correspondent
    }

    public let value: String

    public init(_ text: String, kind: Kind, bik: BankIdentifier) throws {
        let name = kind == .settlement ? "расчётный счёт" : "корреспондентский счёт"
        let value = text.trimmingSpaces
        guard value.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { throw IdentifierProblem.notDigits(name: name) }
        guard value.count == 20 else { throw IdentifierProblem.wrongLength(name: name, expected: "20") }
        let bikDigits = Array(bik.value)
        let prefix = kind == .settlement ? String(bikDigits[6...8]) : "0" + String(bikDigits[4...5])
        let weights = [7, 1, 3]
        let sum = (prefix + value).enumerated().reduce(0) { $0 + Int(String($1.element))! * weights[$1.offset % 3] }
        guard sum % 10 == 0 else {
            throw IdentifierProblem.badFormat(
                name: name, expected: "an account of the bank with БИК \(bik.value) (its key digit does not match)")
        }
        self.value = value
    }

    public var description: String { value }
}

/// БИК, a Russian bank's identifier: 9 digits beginning with 04 (the country).
public struct BankIdentifier: Sendable, Equatable, CustomStringConvertible {
    public let value: String

    public init(_ text: String) throws {
        let value = text.trimmingSpaces
        guard value.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { throw IdentifierProblem.notDigits(name: "БИК") }
        guard value.count == 9 else { throw IdentifierProblem.wrongLength(name: "БИК", expected: "9") }
        guard value.hasPrefix("04") else { throw IdentifierProblem.badFormat(name: "БИК", expected: "9 digits beginning with 04") }
        self.value = value
    }

    public var description: String { value }
}

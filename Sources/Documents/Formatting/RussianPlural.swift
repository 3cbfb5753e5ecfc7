/// The Russian plural after a number: 1, 21, 101 → one (рубль); 2–4, 22–24 → few (рубля);
/// 0, 5–20, 11–14, 25–30 → many (рублей).
public enum RussianPlural {
    public struct Forms: Sendable, Equatable {
        public let one: String
        public let few: String
        public let many: String
        public init(_ one: String, _ few: String, _ many: String) {
            self.one = one
            self.few = few
            self.many = many
        }
    }

    public static func form(_ number: UInt64, _ forms: Forms) -> String {
        let lastTwo = number % 100
        if (11...14).contains(lastTwo) { return forms.many }
        switch number % 10 {
        case 1: return forms.one
        case 2, 3, 4: return forms.few
        default: return forms.many
        }
    }
}

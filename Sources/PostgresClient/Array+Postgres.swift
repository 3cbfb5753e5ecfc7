/// Arrays bind as PostgreSQL arrays of their element type; `[UInt8]` is `bytea`.
extension Array: PostgresEncodable where Element: PostgresEncodable {
    public static var postgresType: PostgresDataType {
        Element.self == UInt8.self ? .bytea : Element.postgresArrayType
    }

    public static var postgresArrayType: PostgresDataType {
        Element.self == UInt8.self ? .byteaArray : .unknown
    }

    public var postgresText: String? {
        // `as? [UInt8]` would also succeed for any empty array, so test the element type.
        if Element.self == UInt8.self { return Bytea.hex(unsafeBitCast(self, to: [UInt8].self)) }
        return ArrayLiteral.format(map(\.postgresText))
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    public init(postgresText text: String, type: PostgresDataType) throws {
        if Element.self == UInt8.self {
            self = unsafeBitCast(try Bytea.decode(text), to: [Element].self)
            return
        }
        let elementType = type.arrayElementType
        let items = try ArrayLiteral.parse(text)
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            do {
                if let item {
                    result.append(try Element(postgresText: item, type: elementType))
                } else {
                    result.append(try Element.postgresNull())
                }
            } catch let failure as PostgresDecodingFailure {
                throw PostgresDecodingFailure("array element \(index + 1): \(failure.reason)")
            }
        }
        self = result
    }
}

/// One bound query parameter: its text-format value (nil = NULL) and its type OID.
public struct PostgresBinding: Sendable, Hashable {
    public var text: String?
    public var type: PostgresDataType

    public init(text: String?, type: PostgresDataType) {
        self.text = text
        self.type = type
    }

    public init<T: PostgresEncodable>(_ value: T) {
        self.init(text: value.postgresText, type: T.postgresType)
    }
}

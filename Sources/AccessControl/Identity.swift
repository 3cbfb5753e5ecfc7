/// Who a request acts as, established by `crm_api.begin_request`.
public struct Identity: Sendable, Equatable {
    public let userID: Int64
    public let sessionID: Int64?
    public let apiTokenID: Int64?
    /// The client's IP address as the database saw it.
    public let clientIP: String
}

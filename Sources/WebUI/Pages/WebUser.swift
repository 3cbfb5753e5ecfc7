/// The signed-in user as the pages need them, read in the page's own transaction.
struct WebUser: Sendable {
    let id: Int64
    let login: String
    let name: String
    let timeZone: String
    let locale: String
    let admin: Bool
    let unread: Int
    /// The newest notification's id when the page was made (the event stream goes on from it).
    let lastNotification: Int64?
    /// Whether the role may export reports (the CSV link; the database checks again).
    let mayExportReports: Bool
}

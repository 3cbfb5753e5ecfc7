extension Resource {
    /// The signed-in user's notifications (row-level security: each user reads only their own),
    /// written by the database (`crm_private.notify_user`). Newest first; `?unread=true`;
    /// marking read: `NotificationsController`; live: `GET /api/v1/events`.
    static let notifications = Resource(
        path: "notifications", table: "crm.notifications", singular: "notification",
        fields: [
            .id,
            ResourceField(
                "kind", .text(maxLength: 40), access: .readOnly, nullable: false, filter: .equality,
                summary: "task_assigned, reminder_due, task_overdue, deal_moved, ..."),
            ResourceField("payload", .anyJSON, access: .readOnly, nullable: false),
            ResourceField(
                "unread", .boolean, access: .readOnly, nullable: false, filter: .equality,
                expression: "(t.read_at is null)"),
            ResourceField("read_at", .timestamp, access: .readOnly, filter: .range),
            .createdAt,
        ],
        defaultSort: "-id", operations: [.list, .read],
        summary: "Notifications of the signed-in user (mark read: POST /api/v1/notifications/{id}/read, /read-all)")
}

import AccessControl
import CRMDomain
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PostgresClient
import ServiceLifecycle

/// `GET /api/v1/events`: the signed-in user's notifications as Server-Sent Events
/// (`text/event-stream`): `id: <notification id>`, `event: <kind>`, `data: <the notification
/// as JSON>`, and a `: heartbeat` comment every `heartbeat`.
///
/// - The bearer token is checked at connect (401 before any byte) and again, passively (not
///   counted as activity), at every heartbeat: a logged-out, expired or idle session ends the
///   stream.
/// - With `Last-Event-ID` (header, or `?last_event_id=`), every stored notification after that
///   id is sent first, oldest first; then live ones. Without it, only those after the connect.
/// - Live: the process's one listener (`NOTIFY crm_notifications`) wakes the stream through
///   the `NotificationHub` with an id only; the stream reads the rows itself, as its user under
///   row-level security. Each heartbeat also reads whatever came after the last one sent, so a
///   notification missed while the listener reconnected arrives at the next heartbeat.
/// - Graceful shutdown ends the stream cleanly (the last chunk is written).
public struct EventStreamController: Sendable {
    let hub: NotificationHub
    let heartbeat: Duration

    public init(hub: NotificationHub, heartbeat: Duration = .seconds(15)) {
        self.hub = hub
        self.heartbeat = heartbeat
    }

    public func register(on router: some RouterMethods<CRMRequestContext>) {
        router.get("/api/v1/events") { request, context in try await self.stream(request, context) }
    }

    func stream(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let scope = try context.scope
        let lastEventID = try Self.lastEventID(request)
        // The connect is the user's request (activity); the start is the newest notification
        // already stored when none was named, so nothing committed from now on is missed.
        let (userID, start) = try await scope.transaction { connection, identity in
            if let lastEventID { return (identity.userID, lastEventID) }
            let newest = try await connection.query(
                "select coalesce(max(id), 0) from crm.notifications where user_id = \(identity.userID)", prepared: true)
            return (identity.userID, try newest[0].decode(Int64.self, at: 0))
        }
        let session = EventStreamSession(
            scope: scope, hub: hub, userID: userID, heartbeat: heartbeat, after: start)
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        if let name = HTTPField.Name("X-Accel-Buffering") { headers[name] = "no" }
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await session.run(&writer)
                try await writer.finish(nil)
            })
    }

    /// `Last-Event-ID` or `?last_event_id=`: a notification id (0 and up); 400 otherwise.
    static func lastEventID(_ request: Request) throws -> Int64? {
        let text = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters["last_event_id"].map(String.init)
        guard let text, !text.isEmpty else { return nil }
        guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), id >= 0 else {
            throw APIError.badRequest("Last-Event-ID must be a notification id (a whole number)")
        }
        return id
    }
}

/// One connected stream: subscribe, replay, then wait for signals (a notification of the
/// user, a heartbeat) until the session ends, the client goes, or the server stops.
struct EventStreamSession: Sendable {
    /// The request's scope: every read is a (passive) transaction of its own.
    let scope: RequestScope
    let hub: NotificationHub
    let userID: Int64
    let heartbeat: Duration
    /// Notifications after this id are sent.
    let after: Int64

    /// At most this many rows per read (a long replay takes several).
    static let page = 500

    /// What was sent: the highest id, and ids sent out of order below it.
    struct Progress {
        var watermark: Int64
        var sent: Set<Int64> = []
    }

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        let subscription = await hub.subscribe(userID: userID)
        let heartbeat = self.heartbeat
        let beats = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeat)
                if Task.isCancelled { break }
                subscription.heartbeat()
            }
        }
        do {
            try await stream(subscription, &writer)
        } catch {
            beats.cancel()
            await hub.unsubscribe(subscription)
            throw error
        }
        beats.cancel()
        await hub.unsubscribe(subscription)
    }

    private func stream(_ subscription: NotificationHub.Subscription, _ writer: inout any ResponseBodyWriter) async throws {
        var progress = Progress(watermark: after)
        try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
        // The replay, read after subscribing: whatever commits meanwhile is read here or signalled.
        guard try await send(newerThan: &progress, alsoIDs: [], &writer) else { return }
        try await withGracefulShutdownHandler {
            for await signal in subscription.signals {
                switch signal {
                case .notification(let id):
                    if id <= progress.watermark && progress.sent.contains(id) { continue }
                    guard try await send(newerThan: &progress, alsoIDs: id <= progress.watermark ? [id] : [], &writer) else {
                        return
                    }
                case .heartbeat:
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    guard try await send(newerThan: &progress, alsoIDs: [], &writer) else { return }
                }
            }
        } onGracefulShutdown: {
            subscription.finish()
        }
    }

    /// Reads, as the user, the notifications after the watermark (and `alsoIDs`, signalled out
    /// of order) and writes those not sent yet. False when the session is no longer valid.
    private func send(
        newerThan progress: inout Progress, alsoIDs: [Int64], _ writer: inout any ResponseBodyWriter
    )
        async throws -> Bool
    {
        while true {
            let rows: PostgresRows
            do {
                let (userID, watermark) = (self.userID, progress.watermark)
                rows = try await scope.transaction(passive: true) { connection, _ in
                    try await connection.query(
                        """
                        select n.id, n.kind, jsonb_build_object('id', n.id, 'kind', n.kind, 'payload', n.payload,
                               'created_at', n.created_at, 'read_at', n.read_at)::text
                          from crm.notifications n
                         where n.user_id = \(userID) and (n.id > \(watermark) or n.id = any(\(alsoIDs)::bigint[]))
                         order by n.id limit \(Int64(Self.page))
                        """, prepared: true)
                }
            } catch AccessError.unauthenticated(_) {
                return false
            }
            var text = ""
            for row in rows {
                let (id, kind, json) = try row.decode((Int64, String, String).self)
                if progress.sent.contains(id) { continue }
                text += "id: \(id)\nevent: \(kind)\ndata: \(json)\n\n"
                progress.sent.insert(id)
                progress.watermark = max(progress.watermark, id)
            }
            if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
            if rows.count < Self.page { return true }
        }
    }
}

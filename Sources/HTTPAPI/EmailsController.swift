import AccessControl
import Foundation
import Hummingbird
import Logging
import Mail
import PostgresClient

/// `POST /api/v1/clients/{id}/emails` and `POST /api/v1/deals/{id}/emails`
/// `{"subject", "body", "contact_ids"?, "document_ids"?}` queue a letter to the client's
/// contacts (the named ones, or every contact with an e-mail address; each contact's first
/// address), with the PDFs of the named documents of the deal (or of the client) attached. In
/// one transaction under the caller's rules: the interaction of kind email, and the letter
/// (sql/400: subject, body, recipients, the attached files and the MIME message as it will be
/// sent) queued for the sender service. A client or deal the caller may not see is 404; one
/// whose interactions it may not create is 403. Answers 201 with the letter (status `queued`).
/// Without a configured SMTP server (`smtp-host`, `smtp-from`) the answer is 503. With an
/// `Idempotency-Key` a repeated request queues nothing more and gets the first answer again.
struct EmailsController: Sendable {
    let storage: FileStorage
    /// The From of every letter; nil: e-mail is not configured.
    let sender: MailAddress?

    /// What the caller asked to send.
    struct Letter: Sendable, Equatable {
        var subject: String
        var body: String
        var contactIDs: [Int64]?
        var documentIDs: [Int64]
    }

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.post("/api/v1/clients/:id/emails") { request, context in try await self.send(request, context, on: .clients) }
        router.post("/api/v1/deals/:id/emails") { request, context in try await self.send(request, context, on: .deals) }
    }

    func send(_ request: Request, _ context: CRMRequestContext, on resource: Resource) async throws -> Response {
        let rowID = try RequestInput.id(context, resource)
        let bytes = try await RequestInput.body(request, limit: 256 << 10)
        let idempotency = try Idempotency.Key(request: request, body: bytes, path: "\(resource.path)/\(rowID)/emails")
        let letter = try Self.parse(try RequestInput.json(bytes))
        guard let sender else {
            throw APIError.serviceUnavailable(
                code: "mail_not_configured", message: "e-mail is not configured on this server (smtp-host, smtp-from)")
        }
        return try await context.scope.transaction { connection, _ in
            // A repeated send (a client retrying after a lost answer) gets the first letter back.
            if let idempotency, let replay = try await idempotency.begin(on: connection) { return replay }
            let (clientID, dealID) = try await Self.target(resource, rowID, on: connection)
            let recipients = try await Self.recipients(client: clientID, asked: letter.contactIDs, on: connection)
            let attachments = try await attachments(letter.documentIDs, client: clientID, deal: dealID, on: connection)
            let summary = String((letter.subject + "\n\n" + letter.body).prefix(10_000))
            let interaction = try await connection.query(
                """
                insert into crm.interactions (client_id, deal_id, contact_id, kind, direction, summary)
                values (\(clientID), \(dealID), \(recipients.first?.contactID), 'email', 'outbound', \(summary))
                returning id
                """)
            guard let interactionID = interaction.first.flatMap({ Int64($0[0] ?? "") }) else {
                throw APIError.forbidden("not allowed by your role")
            }
            let message = MIMEMessage(
                from: sender, to: recipients.map(\.address), subject: letter.subject, body: letter.body,
                attachments: attachments.map(\.content), messageID: MIMEMessage.makeMessageID(domain: sender.domain))
            let contactIDs = recipients.map(\.contactID)
            let inserted = try await connection.query(
                """
                insert into crm.emails (interaction_id, client_id, deal_id, subject, body, sender, recipients, contact_ids,
                                        document_ids, attachment_file_ids, message_id, message)
                values (\(interactionID), \(clientID), \(dealID), \(letter.subject), \(letter.body), \(sender.address),
                        \(recipients.map(\.address.address))::text[], \(contactIDs)::bigint[], \(attachments.map(\.documentID))::bigint[],
                        \(attachments.map(\.fileID))::bigint[], \(message.messageID), \(message.rendered())::bytea)
                returning id
                """)
            guard let id = inserted.first.flatMap({ Int64($0[0] ?? "") }) else { throw APIError.forbidden("not allowed by your role") }
            var row = try await ResourceController(resource: .emails).fetch(id, on: connection)
            row.status = .created
            try await idempotency?.finish(row, on: connection)
            return RowResponse.make(row)
        }
    }

    /// The client (and deal) the letter is on; 404 for rows the caller cannot see.
    static func target(_ resource: Resource, _ id: Int64, on connection: PostgresConnection) async throws -> (Int64, Int64?) {
        if resource.path == Resource.deals.path {
            guard let deal = try await connection.query("select client_id from crm.deals where id = \(id)").first else {
                throw RequestInput.notFound(.deals, id)
            }
            guard let client = try deal.decode(Int64?.self, at: 0),
                try await !connection.query("select 1 from crm.clients where id = \(client)").isEmpty
            else {
                throw APIError.conflict("the deal has no client: a letter goes to the contacts of the deal's client")
            }
            return (client, id)
        }
        if try await connection.query("select 1 from crm.clients where id = \(id)").isEmpty {
            throw RequestInput.notFound(.clients, id)
        }
        return (id, nil)
    }

    struct Recipient: Sendable {
        var contactID: Int64
        var address: MailAddress
    }

    /// Each asked contact's first e-mail address (every contact with one when none are named).
    static func recipients(client: Int64, asked: [Int64]?, on connection: PostgresConnection) async throws -> [Recipient] {
        let rows = try await connection.query(
            """
            select id, name, emails[1] from crm.contacts
             where client_id = \(client) and (\(asked)::bigint[] is null or id = any(\(asked)::bigint[]))
             order by id
            """)
        var found: [Int64: Recipient?] = [:]
        var ordered: [Int64] = []
        for row in rows {
            let (id, name, email) = try row.decode((Int64, String, String?).self)
            ordered.append(id)
            guard let email else {
                found[id] = .some(nil)
                continue
            }
            do {
                found[id] = Recipient(contactID: id, address: try MailAddress(email, name: name))
            } catch {
                throw APIError.validation([
                    .init(field: "contact_ids", message: "the address \(email) of contact \(id) cannot be used for e-mail")
                ])
            }
        }
        guard let asked else {
            let all = ordered.compactMap { found[$0] ?? nil }
            if all.isEmpty {
                throw APIError.validation([.init(field: "contact_ids", message: "no contact of this client has an e-mail address")])
            }
            return all
        }
        var problems: [APIError.FieldError] = []
        var result: [Recipient] = []
        for id in asked {
            switch found[id] {
            case nil: problems.append(.init(field: "contact_ids", message: "no contact \(id) of this client"))
            case .some(nil): problems.append(.init(field: "contact_ids", message: "contact \(id) has no e-mail address"))
            case .some(.some(let recipient)): result.append(recipient)
            }
        }
        if !problems.isEmpty { throw APIError.validation(problems) }
        return result
    }

    struct Attachment: Sendable {
        var documentID: Int64
        var fileID: Int64
        var content: MIMEMessage.Attachment
    }

    /// The PDFs of the asked documents, which must be of the deal (a letter on a deal) or of the
    /// client (a letter from the card) and visible with their files.
    func attachments(_ ids: [Int64], client: Int64, deal: Int64?, on connection: PostgresConnection) async throws -> [Attachment] {
        guard !ids.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            select d.id, f.id, f.name, f.content_type, f.content, f.storage_path
              from crm.documents d join crm.files f on f.id = d.pdf_file_id
             where d.id = any(\(ids)::bigint[]) and (case when \(deal)::bigint is null then d.client_id = \(client) else d.deal_id = \(deal) end)
            """)
        var byID: [Int64: Attachment] = [:]
        for row in rows {
            let (documentID, fileID, name, type, content, path) = try row.decode((Int64, Int64, String, String, [UInt8]?, String?).self)
            let bytes = try content ?? storage.read(path ?? "")
            byID[documentID] = Attachment(
                documentID: documentID, fileID: fileID, content: .init(fileName: name, contentType: type, content: bytes))
        }
        let missing = ids.filter { byID[$0] == nil }
        if !missing.isEmpty {
            throw APIError.validation(
                missing.map { id in
                    .init(
                        field: "document_ids", message: deal == nil ? "no document \(id) of this client" : "no document \(id) of this deal")
                })
        }
        return ids.compactMap { byID[$0] }
    }

    /// `{"subject": "…", "body": "…", "contact_ids": [3], "document_ids": [7]}`, every problem at once.
    static func parse(_ body: JSONValue) throws -> Letter {
        guard case .object(let members) = body else {
            throw APIError.validation([.init(field: "(body)", message: "must be a JSON object")])
        }
        var problems: [APIError.FieldError] = []
        for key in members.keys.sorted() where !["subject", "body", "contact_ids", "document_ids"].contains(key) {
            problems.append(.init(field: key, message: "unknown field"))
        }
        func text(_ key: String, max: Int, required: String) -> String? {
            guard let value = members[key], !value.isNull else {
                problems.append(.init(field: key, message: required))
                return nil
            }
            guard let string = value.stringValue else {
                problems.append(.init(field: key, message: "must be a string"))
                return nil
            }
            if string.count > max { problems.append(.init(field: key, message: "must be at most \(max) characters")) }
            return string
        }
        func ids(_ key: String, max: Int) -> [Int64]? {
            guard let value = members[key], !value.isNull else { return nil }
            guard case .array(let items) = value, items.count <= max else {
                problems.append(.init(field: key, message: "must be a list of at most \(max) ids"))
                return nil
            }
            var out: [Int64] = []
            for item in items {
                guard case .number(let n) = item, let id = Int64(n), id > 0 else {
                    problems.append(.init(field: key, message: "must be a list of at most \(max) ids"))
                    return nil
                }
                if !out.contains(id) { out.append(id) }
            }
            return out
        }
        let subject = text("subject", max: 300, required: "required (the subject of the letter)")
        if let subject, subject.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(.init(field: "subject", message: "required (the subject of the letter)"))
        }
        let letterBody = text("body", max: 100_000, required: "required (the text of the letter)")
        let contacts = ids("contact_ids", max: 50)
        if let contacts, contacts.isEmpty {
            problems.append(.init(field: "contact_ids", message: "name at least one contact, or leave it out"))
        }
        let documents = ids("document_ids", max: 20) ?? []
        if !problems.isEmpty { throw APIError.validation(problems) }
        return Letter(
            subject: subject!.trimmingCharacters(in: .whitespacesAndNewlines), body: letterBody!,
            contactIDs: contacts, documentIDs: documents)
    }
}

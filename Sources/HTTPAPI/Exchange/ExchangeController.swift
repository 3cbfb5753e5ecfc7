import AccessControl
import CRMDomain
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresClient

/// `GET|POST /1c/exchange`: the "exchange with site" protocol that 1C (and МойСклад, Class365 …)
/// speaks, carrying CommerceML 2 files (issue 14). Answers are plain text as 1C reads them —
/// `success…`, `failure\n<reason in Russian>`, `zip=no\nfile_limit=N` — always with status 200.
///
/// - `mode=checkauth`: HTTP Basic auth of an exchange account (a user holding an integration
///   role), signed in as every login is (lockouts, allowed networks, login hours) → `success\n
///   crm_1c\n<session token>`; every later call carries that cookie and runs, as the API's
///   requests do, in a transaction as that user (`RequestScope`).
/// - `init` → `zip=no\nfile_limit=…` and an empty folder for the session's files;
///   `file&filename=…` appends the body to the file; `import&filename=…` reads it (groups,
///   products, offers; for `type=sale` 1C's documents) in one transaction: all or nothing.
/// - `type=sale&mode=query` → the orders changed since the last `success`, as CommerceML;
///   `success` marks them delivered.
/// Every step is logged and audited by the database (`crm_api.exchange_log`).
struct ExchangeController: Sendable {
    static let cookie = "crm_1c"

    let authenticator: Authenticator
    let database: UserDatabase
    let folder: ExchangeFolder
    let logger = Logger(label: "crm.exchange")

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.get("/1c/exchange") { request, context in await self.handle(request, context) }
        router.post("/1c/exchange") { request, context in await self.handle(request, context) }
    }

    func handle(_ request: Request, _ context: CRMRequestContext) async -> Response {
        let query = request.uri.queryParameters
        let type = query.get("type") ?? ""
        let mode = query.get("mode") ?? ""
        let filename = query.get("filename")
        var scope: RequestScope?
        do {
            guard type == "catalog" || type == "sale" else { throw CommerceMLError.fail("unknown exchange type \(type) (catalog or sale)") }
            if mode == "checkauth" { return try await checkAuth(request, context, type: type) }
            guard let token = Self.cookieValue(request) else {
                throw CommerceMLError.fail("no exchange session: call mode=checkauth first")
            }
            let session = RequestScope(database: database, token: token, clientIP: context.clientIP, requestID: context.requestID)
            scope = session
            let answer: Answer
            switch mode {
            case "init": answer = try await initialize(session, type: type)
            case "file": answer = try await receive(request, session, type: type, filename: filename)
            case "import": answer = try await importFile(session, type: type, filename: filename)
            case "query" where type == "sale": answer = try await orders(session)
            case "success" where type == "sale": answer = try await delivered(session)
            case "complete", "deactivate":
                try await session.transaction { connection, _ in _ = try await connection.query("select crm_api.exchange_account()") }
                answer = Answer(text: "success", log: "")
            default: throw CommerceMLError.fail("unknown exchange mode \(mode)")
            }
            await log(session, type: type, mode: mode, filename: filename, status: "success", message: answer.log, details: answer.details)
            return Self.text(answer.text, contentType: answer.contentType)
        } catch {
            let failure = self.reason(of: error)
            logger.notice(
                "exchange step failed",
                metadata: [
                    "type": "\(type)", "mode": "\(mode)", "file": "\(filename ?? "")", "reason": "\(failure.english)",
                    "request_id": "\(context.requestID)",
                ])
            if let scope { await log(scope, type: type, mode: mode, filename: filename, status: "failure", message: failure.english) }
            return Self.text("failure\n" + failure.russian)
        }
    }

    struct Answer {
        var text: String
        var log: String
        var details: String = "{}"
        var contentType = "text/plain; charset=utf-8"
    }

    // MARK: the modes

    func checkAuth(_ request: Request, _ context: CRMRequestContext, type: String) async throws -> Response {
        guard let (login, password) = Self.basicCredentials(request) else {
            throw CommerceMLError.fail("sign in with HTTP Basic authentication (the exchange account's login and password)")
        }
        let userAgent = request.headers[.userAgent].map { String($0.prefix(200)) }
        let session = try await authenticator.login(login, password: password, clientIP: context.clientIP, userAgent: userAgent)
        let scope = RequestScope(database: database, token: session.token.text, clientIP: context.clientIP, requestID: context.requestID)
        do {
            try await scope.transaction { connection, _ in _ = try await connection.query("select crm_api.exchange_account()") }
        } catch {
            _ = try? await authenticator.logout(token: session.token.text, clientIP: context.clientIP)
            throw error
        }
        await log(scope, type: type, mode: "checkauth", filename: nil, status: "success", message: "signed in as \(login)")
        return Self.text("success\n\(Self.cookie)\n\(session.token.text)")
    }

    func initialize(_ scope: RequestScope, type: String) async throws -> Answer {
        let limit = try await fileLimit(scope)
        let directory = folder.folder(token: scope.token, type: type)
        try await BlockingWork.run { try ExchangeFolder.reset(directory) }
        return Answer(text: "zip=no\nfile_limit=\(limit)", log: "file_limit=\(limit)")
    }

    func receive(_ request: Request, _ scope: RequestScope, type: String, filename: String?) async throws -> Answer {
        let path = try ExchangeFolder.relativePath(filename)
        let limit = try await fileLimit(scope)
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw CommerceMLError.fail("a part is larger than file_limit (\(limit) bytes)")
        }
        let directory = folder.folder(token: scope.token, type: type)
        try await BlockingWork.run { try ExchangeFolder.append(bytes, to: path, in: directory) }
        return Answer(text: "success", log: "\(bytes.count) bytes appended", details: "{\"bytes\": \(bytes.count)}")
    }

    func importFile(_ scope: RequestScope, type: String, filename: String?) async throws -> Answer {
        let path = try ExchangeFolder.relativePath(filename)
        let file = folder.folder(token: scope.token, type: type) + "/" + path
        guard try await BlockingWork.run({ FileManager.default.fileExists(atPath: file) }) else {
            throw CommerceMLError.fail("no file \(path) was sent in this session")
        }
        let importer = ExchangeImport(type: type)
        let counts = try await importer.run(file: URL(fileURLWithPath: file), scope: scope)
        return Answer(text: "success", log: counts.summary, details: counts.json)
    }

    func orders(_ scope: RequestScope) async throws -> Answer {
        let json = try await scope.transaction { connection, _ in
            try await connection.query("select crm_api.exchange_orders()::text")[0].decode(String.self, at: 0)
        }
        let orders = try JSONDecoder().decode(ExchangeOrders.self, from: Data(json.utf8))
        let now = ISO8601DateFormatter().string(from: Date())
        let xml = CommerceMLWriter.orders(orders.orders, generatedAt: String(now.prefix(19)))
        return Answer(
            text: xml, log: "\(orders.orders.count) orders sent",
            details: "{\"orders\": \(orders.orders.count), \"delivery_id\": \(orders.delivery_id)}",
            contentType: "application/xml; charset=utf-8")
    }

    func delivered(_ scope: RequestScope) async throws -> Answer {
        let count = try await scope.transaction { connection, _ in
            try await connection.query("select crm_api.exchange_success()")[0].decode(Int.self, at: 0)
        }
        return Answer(text: "success", log: "\(count) orders delivered", details: "{\"delivered\": \(count)}")
    }

    // MARK: helpers

    func fileLimit(_ scope: RequestScope) async throws -> Int {
        try await scope.transaction { connection, _ in
            try await connection.query("select (crm_api.exchange_settings() ->> 'file_limit')::bigint")[0].decode(Int.self, at: 0)
        }
    }

    /// Records the step (its own transaction: a failed import's rollback keeps its log line).
    func log(
        _ scope: RequestScope, type: String, mode: String, filename: String?, status: String, message: String, details: String = "{}"
    ) async {
        do {
            try await scope.transaction { connection, _ in
                _ = try await connection.query(
                    "select crm_api.exchange_log(\(type), \(mode), \(filename), \(status), \(message), \(details)::jsonb)")
            }
        } catch {
            logger.notice("exchange step not logged", metadata: ["mode": "\(mode)", "error": "\(String(describing: error).prefix(300))"])
        }
    }

    /// The reason of a failure, in English (the log) and Russian (what 1C shows).
    func reason(of error: any Error) -> (english: String, russian: String) {
        if let failure = error as? CommerceMLError {
            return (failure.message, ErrorCatalogue.translate(failure.message, to: .ru).text)
        }
        if let mapped = APIError.from(error), case .validation(let fields) = mapped, !fields.isEmpty {
            // A rule's refusal (CR422): its own words, not the summary of fields.
            let english = fields.map(\.message).joined(separator: "; ")
            let russian = fields.map { ErrorCatalogue.translate($0.message, to: .ru).text }.joined(separator: "; ")
            return (english, russian)
        }
        if let mapped = APIError.from(error) {
            let english = mapped.localized(.en).message
            return (english, mapped.localized(.ru).message)
        }
        logger.error("exchange step failed unexpectedly", metadata: ["error": "\(String(describing: error).prefix(500))"])
        let message = "internal error; quote the request id when reporting it"
        return (message, ErrorCatalogue.translate(message, to: .ru).text)
    }

    static func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func cookieValue(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookie {
                    let value = parts[1].trimmingCharacters(in: .whitespaces)
                    if !value.isEmpty { return value }
                }
            }
        }
        return nil
    }

    static func basicCredentials(_ request: Request) -> (String, String)? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        let login = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        guard !login.isEmpty, !password.isEmpty, login.count <= 200, password.utf8.count <= 1024,
            !login.unicodeScalars.contains("\0"), !password.unicodeScalars.contains("\0")
        else { return nil }
        return (login, password)
    }
}

import CRMServer
import Credentials
import Foundation
import HTTPAPI
import Hummingbird
import PostgresClient
import TestSupport
import Testing

/// The OpenAPI document against the running server, on real sockets and a real database with
/// the demo company: the documented operations are exactly the router's routes; every
/// operation, called validly (with the document's own examples), answers a documented status
/// with a body matching its schema; invalid calls get the documented errors.
@Suite("OpenAPI contract", .stopsItsServers)
struct OpenAPIContractTests {
    static func contract(_ server: RunningServer) async throws -> OpenAPIContract {
        let response = try await server.get("/api/v1/openapi.json")
        guard response.status == 200 else { throw TestFailure("openapi.json: \(response.status) \(response.body)") }
        return try OpenAPIContract(text: response.body)
    }

    /// Runs `body` against a fresh server with the demo company, stopping it however `body` ends.
    static func withServer(_ body: (RunningServer) async throws -> Void) async throws {
        // A real SMTP server for the e-mail endpoints (aiosmtpd).
        let smtp = try await SMTPTestServer.start()
        defer { smtp.stop() }
        let server = try await RunningServer.start(demo: true, mail: try EmailAPITests.settings(smtp))
        do {
            try await body(server)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("the documented operations are exactly the routes the server answers")
    func routes() async throws {
        try await Self.withServer(checkRoutes)
    }

    @Test("every operation answers valid and invalid requests as documented")
    func requests() async throws {
        try await Self.withServer(checkRequests)
    }

    func checkRoutes(_ server: RunningServer) async throws {
        let contract = try await Self.contract(server)
        var calls = ContractCalls(server: server, contract: contract)

        // The document's (method, path) set is the router's, read from the router the server runs.
        // (The staff web interface's pages and assets, served by the same router, are not JSON API operations.)
        let served = Set(
            server.application.makeRouter().routes.filter {
                "\($0.path)".hasPrefix("/api/") || "\($0.path)".hasPrefix("/1c/") || "\($0.path)" == "/health"
            }
            .map { "\($0.method.rawValue) \($0.path)" })
        let documented = contract.operationKeys
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")

        // Every documented operation is routed: without a token it answers 401 (or, where no
        // sign-in is needed, a documented answer), never the router's 404.
        for key in documented.sorted() {
            let (method, path) = Self.split(key)
            let concrete = path.replacingOccurrences(of: "{id}", with: "999999")
            let response = try await calls.call(method, path, concrete, token: nil)
            if contract.isSecured(method, path) {
                #expect(response.status == 401, "\(key) without a token: \(response.status) \(response.body)")
            } else {
                #expect(response.status != 404, "\(key): \(response.body)")
            }
        }

        // Anything else is the router's 404 in the error format.
        for (method, path) in [
            ("GET", "/api/v1/no-such-thing"), ("PUT", "/api/v1/clients/1"), ("DELETE", "/api/v1/openapi.json"),
            ("POST", "/api/v1/deal-stage-history"), ("GET", "/api/v1/pipelines/1/stages"), ("PATCH", "/health"),
            ("POST", "/api/v1/files/1/content"), ("GET", "/api/v2/clients"),
        ] {
            #expect(!documented.contains("\(method) \(path)"))
            let response = try await server.call(method, path, token: nil, body: method == "GET" ? nil : "{}")
            #expect(response.status == 404, "\(method) \(path): \(response.status)")
            let error = try JSONValue.parse(Array(response.body.utf8))
            #expect(
                contract.validator.problems(error, .object(["$ref": .string("#/components/schemas/Error")])) == [],
                "\(method) \(path): \(response.body)")
        }

        // The document itself: its version is the server's, Russian text is written as is, and
        // every request example is valid against its own schema.
        #expect(contract.document.members["openapi"] == .string("3.1.0"))
        #expect(contract.document.members["info"]?.members["version"] == .string(BuildInfo.version))
        let raw = try await server.get("/api/v1/openapi.json").body
        #expect(raw.contains("ИНН") && !raw.contains("\\u04"))
        for key in documented.sorted() {
            let (method, path) = Self.split(key)
            guard let schema = contract.requestSchema(method, path) else { continue }
            guard let example = contract.example(method, path) else {
                Issue.record("\(key): the request body has no example")
                continue
            }
            #expect(contract.validator.problems(example, schema) == [], "\(key) example")
        }
        #expect(calls.problems == [])
    }

    func checkRequests(_ server: RunningServer) async throws {
        let contract = try await Self.contract(server)
        var calls = ContractCalls(server: server, contract: contract)
        let director = try await server.token("director")
        let admin = try await server.token("admin")
        calls.tokens = [director, admin]
        // Rows the API does not create: users and roles (for approvers), and a second stage.
        calls.ids["users"] = try await ownerQuery(server, "select id from crm.users where login = 'director'")[0].decode(Int64.self, at: 0)
        calls.ids["roles"] = try await ownerQuery(server, "select id from crm.roles where name = 'director'")[0].decode(Int64.self, at: 0)
        // The KPI weights exist from the migration (one per metric); administrators change them.
        calls.owner["kpi-weights"] = admin
        // The company profile exists from the migration (one row); administrators change it.
        calls.owner["company-profile"] = admin
        calls.alternates["stages"] = try await ownerQuery(server, "select max(id) from crm.stages")[0].decode(Int64.self, at: 0)

        // Creates, in an order where every reference an example makes names a row made before.
        var pending = contract.operationKeys.sorted().filter { key in
            let (method, path) = Self.split(key)
            return method == "POST" && contract.requestSchema(method, path) != nil && path != "/api/v1/auth/login" && !path.contains("{")
                && !path.hasPrefix("/api/v1/inbound/") && !path.hasPrefix("/api/v1/me/")
        }
        var created: [String] = []
        while !pending.isEmpty {
            guard
                let index = pending.firstIndex(where: {
                    calls.canFill(contract.example("POST", Self.split($0).1), contract.requestSchema("POST", Self.split($0).1))
                })
            else {
                Issue.record("no known rows for the references of \(pending)")
                break
            }
            let path = Self.split(pending.remove(at: index)).1
            let collection = String(path.dropFirst("/api/v1/".count))
            let body = calls.fill(contract.example("POST", path)!, contract.requestSchema("POST", path)!).jsonText
            let key = ["Idempotency-Key": "contract-\(collection)"]
            let withKey = contract.operation("POST", path)?.members["parameters"]?.jsonText.contains("IdempotencyKey") == true
            let response = try await calls.callAsAnyone("POST", path, body: body, headers: withKey ? key : [:], expect: 201)
            guard let id = JSON.id(response.body) else { continue }
            calls.ids[collection] = id
            created.append(collection)
            if withKey {
                let replay = try await calls.call("POST", path, path, token: calls.owner[collection], body: body, headers: key, expect: 201)
                #expect(replay.headers["idempotent-replayed"] == "true", "\(path) replay")
                #expect(JSON.id(replay.body) == id, "\(path) replay gives the first row")
                _ = try await calls.call("POST", path, path, token: calls.owner[collection], body: "{\"x\":1}", headers: key, expect: 422)
            }
        }

        // Two-factor sign-in, as the admin (the director's password-only sign-ins go on below):
        // started, confirmed with the app's code, refused twice, turned off with a recovery code.
        let totpStarted = try await calls.call("POST", "/api/v1/me/totp", "/api/v1/me/totp", token: admin, body: "{}", expect: 201)
        let totp = TOTP(secret: Base32.decode(JSON.object(totpStarted.body)["secret"] as? String ?? "") ?? [])
        let totpOn = try await calls.call(
            "POST", "/api/v1/me/totp/confirm", "/api/v1/me/totp/confirm", token: admin,
            body: #"{"code": "\#(totp.code(at: Date()))"}"#, expect: 200)
        let recovery = JSON.object(totpOn.body)["recovery_codes"] as? [String] ?? []
        _ = try await calls.call("POST", "/api/v1/me/totp", "/api/v1/me/totp", token: admin, body: "{}", expect: 409)
        _ = try await calls.call(
            "POST", "/api/v1/me/totp/confirm", "/api/v1/me/totp/confirm", token: admin,
            body: #"{"code": "123456"}"#, expect: 409)
        _ = try await calls.call(
            "POST", "/api/v1/me/totp/disable", "/api/v1/me/totp/disable", token: admin,
            body: #"{"code": "\#(recovery.first ?? "")"}"#, expect: 204)

        // An approval step waiting for the director (made as the owner: reaching one through a
        // process is AutomationTests' job), answered with the example, then refused bodies.
        let approval = try await ownerQuery(
            server,
            """
            insert into crm.approvals (deal_id, stage_id, position, title, approver_id, status, owner_id)
            select d.id, d.stage_id, 1, 'Контракт', (select id from crm.users where login = 'director'), 'pending', d.owner_id
              from crm.deals d order by d.id limit 1 returning id
            """)[0].decode(Int64.self, at: 0)
        let answerPath = "/api/v1/approvals/{id}/answer"
        let answerSchema = try #require(contract.requestSchema("POST", answerPath))
        let answerExample = try #require(contract.example("POST", answerPath))
        try await calls.refused(
            "POST", answerPath, "/api/v1/approvals/\(approval)/answer", token: director, schema: answerSchema,
            valid: answerExample)
        _ = try await calls.call(
            "POST", answerPath, "/api/v1/approvals/\(approval)/answer", token: director,
            body: answerExample.jsonText, expect: 200)
        _ = try await calls.call(
            "POST", answerPath, "/api/v1/approvals/\(approval)/answer", token: director,
            body: answerExample.jsonText, expect: 409)
        _ = try await calls.call(
            "POST", answerPath, "/api/v1/approvals/999999999/answer", token: director,
            body: answerExample.jsonText, expect: 404)

        // The inbound webhooks, with integration tokens (not user sessions).
        let directorID = calls.ids["users"]!
        for (kind, path) in [("web_form", "/api/v1/inbound/leads"), ("phone_system", "/api/v1/inbound/calls")] {
            let made = try await calls.call(
                "POST", "/api/v1/integrations", "/api/v1/integrations", token: admin,
                body: #"{"name": "Контракт \#(kind)", "kind": "\#(kind)", "responsible_id": \#(directorID)}"#, expect: 201)
            let integrationToken = try #require(JSON.object(made.body)["token"] as? String)
            let example = try #require(contract.example("POST", path))
            _ = try await calls.call("POST", path, path, token: integrationToken, body: example.jsonText, expect: 200)
            let replay = try await calls.call("POST", path, path, token: integrationToken, body: example.jsonText, expect: 200)
            #expect(replay.headers["idempotent-replayed"] == "true")
            _ = try await calls.call("POST", path, path, token: "not-a-token", body: example.jsonText, expect: 401)
            try await calls.refused(
                "POST", path, path, token: integrationToken, schema: try #require(contract.requestSchema("POST", path)),
                valid: example)
        }

        // A file, attached to the client.
        let upload = try await calls.call(
            "POST", "/api/v1/files",
            "/api/v1/files?name=\("договор №1.txt".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&client_id=\(calls.ids["clients"] ?? 0)",
            token: director, body: "hello", headers: ["Content-Type": "text/plain"], expect: 201)
        calls.ids["files"] = JSON.id(upload.body)
        calls.owner["files"] = director
        _ = try await calls.call(
            "POST", "/api/v1/files", "/api/v1/files", token: director, body: "x",
            headers: ["Content-Type": "text/plain"], expect: 422)

        // A document of a deal from the default invoice template (Chromium makes its PDF), refused
        // bodies and an unknown deal; then the company logo, a binary body, set and removed.
        let invoiceTemplate = try await ownerQuery(server, "select min(id) from crm.document_templates where kind = 'invoice'")[0]
            .decode(Int64.self, at: 0)
        let documentPath = "/api/v1/deals/{id}/documents"
        let documentBody = JSONValue.object(["template_id": .number("\(invoiceTemplate)")])
        // (On a socket that waits for Chromium on a busy machine; checked against the schema here.)
        let made = try await BinaryHTTP.exchange(
            server, "POST", "/api/v1/deals/\(calls.ids["deals"] ?? 0)/documents", token: director,
            body: Array(documentBody.jsonText.utf8), contentType: "application/json")
        #expect(made.status == 201, "\(made.response.text)")
        let documentSchema = JSONValue.object(["$ref": .string("#/components/schemas/Document")])
        #expect(contract.validator.problems(try JSONValue.parse(made.body), documentSchema) == [], "POST \(documentPath) body")
        calls.answered["POST \(documentPath)", default: []].insert(made.status)
        calls.ids["documents"] = JSON.id(made.response.text)
        _ = try await calls.call(
            "POST", documentPath, "/api/v1/deals/999999999/documents", token: director,
            body: documentBody.jsonText, expect: 404)
        try await calls.refused(
            "POST", documentPath, "/api/v1/deals/\(calls.ids["deals"] ?? 0)/documents", token: director,
            schema: try #require(contract.requestSchema("POST", documentPath)), valid: documentBody)
        // E-mail from the client card and from a deal, to a contact of the client (the test's SMTP server).
        let emailClient = calls.ids["clients"] ?? 0
        _ = try await calls.call(
            "POST", "/api/v1/contacts", "/api/v1/contacts", token: director,
            body: #"{"client_id": \#(emailClient), "name": "Контракт почта", "emails": ["contract@example.ru"]}"#, expect: 201)
        let emailDeal = try await calls.call(
            "POST", "/api/v1/deals", "/api/v1/deals", token: director,
            body: #"{"title": "Контракт почта", "client_id": \#(emailClient), "amount": "0"}"#, expect: 201)
        let emailBody = #"{"subject": "Письмо по контракту", "body": "Текст письма"}"#
        for (resource, id) in [("clients", emailClient), ("deals", JSON.id(emailDeal.body) ?? 0)] {
            let path = "/api/v1/\(resource)/{id}/emails"
            let sent = try await calls.call("POST", path, "/api/v1/\(resource)/\(id)/emails", token: director, body: emailBody, expect: 201)
            calls.ids["emails"] = JSON.id(sent.body)
            calls.owner["emails"] = director
            _ = try await calls.call("POST", path, "/api/v1/\(resource)/999999999/emails", token: director, body: emailBody, expect: 404)
            try await calls.refused(
                "POST", path, "/api/v1/\(resource)/\(id)/emails", token: director,
                schema: try #require(contract.requestSchema("POST", path)), valid: try JSONValue.parse(Array(emailBody.utf8)))
        }
        let logo = try await BinaryHTTP.exchange(
            server, "PUT", "/api/v1/company-profile/logo", token: admin, body: BinaryHTTP.logo,
            contentType: "image/png")
        #expect(logo.status == 200)
        let profileSchema = JSONValue.object(["$ref": .string("#/components/schemas/CompanyProfile")])
        #expect(contract.validator.problems(try JSONValue.parse(logo.body), profileSchema) == [], "PUT logo body")
        calls.answered["PUT /api/v1/company-profile/logo", default: []].insert(logo.status)
        let notImage = try await BinaryHTTP.exchange(
            server, "PUT", "/api/v1/company-profile/logo", token: admin,
            body: Array("not a png".utf8), contentType: "image/png")
        #expect(notImage.status == 422)
        _ = try await calls.call(
            "PUT", "/api/v1/company-profile/logo", "/api/v1/company-profile/logo", token: director,
            body: "x", headers: ["Content-Type": "image/png"], expect: 422)
        _ = try await calls.call("DELETE", "/api/v1/company-profile/logo", "/api/v1/company-profile/logo", token: director, expect: 403)
        _ = try await calls.call("DELETE", "/api/v1/company-profile/logo", "/api/v1/company-profile/logo", token: admin, expect: 200)

        // A notification of the director (the database writes them, the API cannot).
        calls.ids["notifications"] = try await ownerQuery(
            server,
            """
            select crm_private.notify_user((select id from crm.users where login = 'director'), 'task_assigned', '{"task_id": 1}')
            """)[0].decode(Int64.self, at: 0)
        calls.owner["notifications"] = director

        // The event stream never ends by itself: its head is read, and a bad Last-Event-ID refused.
        let stream = try await EventStreamClient.connect(server, token: director, lastEventID: calls.ids["notifications"]! - 1)
        #expect(stream.status == 200 && stream.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        #expect(try await stream.nextEvent()?.id == calls.ids["notifications"])
        stream.socket.disconnect()
        calls.answered["GET /api/v1/events", default: []].insert(stream.status)
        _ = try await calls.call("GET", "/api/v1/events", "/api/v1/events?last_event_id=x", token: director, expect: 400)

        // An import of clients from a CSV body (the director: one row created, one rejected), then
        // refused files and an unknown mapping.
        let importPath = "/api/v1/imports/clients"
        let importCSV =
            "Наименование;ИНН;Город;Телефон\nООО «Контракт импорт»;7728168971;Moscow;+7 495 111-22-33\nПлохой ИНН;1234567890;;\n"
        let imported = try await calls.call(
            "POST", importPath, "\(importPath)?file_name=contract.csv", token: director, body: importCSV,
            headers: ["Content-Type": "text/csv"], expect: 200)
        #expect(imported.body.contains(#""created": 1"#) && imported.body.contains(#""rejected": 1"#), "\(imported.body)")
        calls.ids["imports"] = JSON.id(imported.body)
        calls.owner["imports"] = director
        _ = try await calls.call(
            "POST", importPath, importPath, token: director, body: "Foo;Bar\n1;2\n", headers: ["Content-Type": "text/csv"], expect: 422)
        _ = try await calls.call(
            "POST", importPath, "\(importPath)?dry_run=maybe", token: director, body: importCSV, headers: ["Content-Type": "text/csv"],
            expect: 422)
        _ = try await calls.call(
            "POST", importPath, "\(importPath)?mapping_id=999999999", token: director, body: importCSV,
            headers: ["Content-Type": "text/csv"], expect: 404)

        // Every GET: lists first (a list gives the id of rows this test cannot create).
        let gets = contract.operationKeys.filter { $0.hasPrefix("GET ") && $0 != "GET /api/v1/events" }.sorted {
            ($0.contains("{") ? 1 : 0, $0) < ($1.contains("{") ? 1 : 0, $1)
        }
        for key in gets {
            let path = Self.split(key).1
            let segment = Self.segment(path)
            if path.contains("{name}") {
                // Every report the document names, as the director (JSON), then refused calls.
                for name in Self.pathEnum(contract, path, "name") {
                    let concrete = path.replacingOccurrences(of: "{name}", with: name)
                    _ = try await calls.call("GET", path, concrete, token: director, expect: 200)
                }
                _ = try await calls.call("GET", path, "/api/v1/reports/no_such_report", token: director, expect: 404)
                _ = try await calls.call("GET", path, "/api/v1/reports/sales_funnel?from=2026-02-30", token: director, expect: 422)
            } else if path.contains("{id}") {
                guard let id = calls.ids[segment] else {
                    Issue.record("\(key): no row to read")
                    continue
                }
                _ = try await calls.callAsAnyone(
                    "GET", path, concrete: path.replacingOccurrences(of: "{id}", with: "\(id)"), token: calls.owner[segment], expect: 200)
                _ = try await calls.call(
                    "GET", path, path.replacingOccurrences(of: "{id}", with: "999999999"), token: director, expect: 404)
            } else if path.hasSuffix("/export") {
                // A download as the first user with the export right; paging refused.
                let file = try await calls.callAsAnyone("GET", path, concrete: "\(path)?format=csv", expect: 200)
                if file.status == 200, file.headers["content-type"] != "text/csv; charset=utf-8" {
                    Issue.record("\(key): \(file.headers["content-type"] ?? "no content type")")
                }
                _ = try await calls.call("GET", path, "\(path)?limit=2", token: director, expect: 422)
            } else if let sorts = Self.queryEnum(contract, path, "sort") {
                let response = try await calls.call(
                    "GET", path, "\(path)?limit=2&count=true&sort=\(sorts.last!)", token: calls.owner[segment] ?? director, expect: 200)
                if calls.ids[segment] == nil, let first = JSON.ids(response.body).first { calls.ids[segment] = first }
                _ = try await calls.call("GET", path, "\(path)?limit=0&no_such_filter=1", token: director, expect: 422)
            } else {
                _ = try await calls.callAsAnyone("GET", path, expect: 200)
            }
        }
        _ = try await calls.call("GET", "/api/v1/audit", "/api/v1/audit?limit=0", token: admin, expect: 422)
        _ = try await calls.call("GET", "/api/v1/reports/funnel", "/api/v1/reports/funnel?pipeline_id=x", token: director, expect: 422)

        // Every PATCH: the example (valid), stale and malformed If-Match, and bodies the schema refuses.
        for key in contract.operationKeys.sorted() where key.hasPrefix("PATCH ") {
            let path = Self.split(key).1
            let segment = Self.segment(path)
            guard let id = calls.ids[segment], let schema = contract.requestSchema("PATCH", path),
                let example = contract.example("PATCH", path)
            else {
                Issue.record("\(key): no row or no example")
                continue
            }
            let concrete = path.replacingOccurrences(of: "{id}", with: "\(id)")
            let token = calls.owner[segment] ?? director
            let read = try await server.call("GET", concrete, token: token)
            let body = calls.fill(example, schema).jsonText
            let eTag = read.headers["etag"] ?? "\"1\""
            _ = try await calls.call("PATCH", path, concrete, token: token, body: body, headers: ["If-Match": "\"999999\""], expect: 412)
            _ = try await calls.call("PATCH", path, concrete, token: token, body: body, headers: ["If-Match": "abc"], expect: 400)
            _ = try await calls.call("PATCH", path, concrete, token: token, body: body, headers: ["If-Match": eTag], expect: 200)
            _ = try await calls.call(
                "PATCH", path, path.replacingOccurrences(of: "{id}", with: "999999999"), token: token, body: body, expect: 404)
            try await calls.refused("PATCH", path, concrete, token: token, schema: schema, valid: example)
        }

        // Every other POST with a JSON body refuses what its schema refuses.
        for key in contract.operationKeys.sorted() where key.hasPrefix("POST ") && !key.contains("{") && !key.contains("/inbound/") {
            let path = Self.split(key).1
            guard let schema = contract.requestSchema("POST", path), let example = contract.example("POST", path) else { continue }
            try await calls.refused(
                "POST", path, path, token: calls.owner[String(path.dropFirst("/api/v1/".count))] ?? director,
                schema: schema, valid: calls.fill(example, schema))
        }
        // Marking notifications read.
        let readPath = "/api/v1/notifications/{id}/read"
        _ = try await calls.call(
            "POST", readPath, "/api/v1/notifications/\(calls.ids["notifications"]!)/read", token: director, expect: 204)
        _ = try await calls.call("POST", readPath, "/api/v1/notifications/999999999/read", token: director, expect: 404)
        _ = try await calls.call("POST", "/api/v1/notifications/read-all", "/api/v1/notifications/read-all", token: director, expect: 200)

        var login = contract.example("POST", "/api/v1/auth/login")!.members
        login["password"] = .string(RunningServer.demoPassword)
        _ = try await calls.call(
            "POST", "/api/v1/auth/login", "/api/v1/auth/login", token: nil, body: JSONValue.object(login).jsonText, expect: 200)
        login["password"] = .string("wrong-password")
        _ = try await calls.call(
            "POST", "/api/v1/auth/login", "/api/v1/auth/login", token: nil, body: JSONValue.object(login).jsonText, expect: 401)

        // Deletes, newest rows first: a malformed and a stale If-Match, then the delete.
        for collection in ["files"] + created.reversed() {
            let key = contract.operationKeys.first { $0 == "DELETE /api/v1/\(collection)/{id}" }
            guard let key, let id = calls.ids[collection] else { continue }
            let path = Self.split(key).1
            let concrete = path.replacingOccurrences(of: "{id}", with: "\(id)")
            let token = calls.owner[collection] ?? director
            if contract.operation("DELETE", path)?.jsonText.contains("IfMatch") == true {
                _ = try await calls.call("DELETE", path, concrete, token: token, headers: ["If-Match": "abc"], expect: 400)
                _ = try await calls.call("DELETE", path, concrete, token: token, headers: ["If-Match": "\"999999\""], expect: 412)
            }
            _ = try await calls.call("DELETE", path, concrete, token: token, expect: 204)
            // A deleted row is gone (a revoked token stays listed: revoking again is 204 again).
            _ = try await calls.call("DELETE", path, concrete, token: token, expect: collection == "tokens" ? 204 : 404)
        }
        let session = try await server.token("manager.msk")
        _ = try await calls.call("POST", "/api/v1/auth/logout", "/api/v1/auth/logout", token: session, expect: 204)
        _ = try await calls.call("POST", "/api/v1/auth/logout", "/api/v1/auth/logout", token: session, expect: 401)
        // The 1C exchange answers in plain text, a refusal too (1C reads `failure` in the body).
        _ = try await calls.call("POST", "/1c/exchange", "/1c/exchange?type=catalog&mode=init", token: nil, body: "x", expect: 200)

        // Every documented operation answered a valid request successfully.
        let succeeded = Set(calls.answered.filter { $0.value.contains { (200..<300).contains($0) } }.keys)
        #expect(contract.operationKeys.subtracting(succeeded).sorted() == [], "operations never answered with success")
        #expect(calls.problems == [])
    }

    @Test("the schema validator refuses what the schemas forbid")
    func validator() throws {
        let root = try JSONValue.parse(
            Array(
                #"""
                {"components": {"schemas": {
                  "Row": {"type": "object", "additionalProperties": false, "required": ["id", "amount", "at", "on", "kind", "tags"],
                          "properties": {"id": {"type": "integer", "minimum": 1},
                                         "amount": {"type": "string", "pattern": "^[0-9]{1,16}(\\.[0-9]{1,2})?$"},
                                         "at": {"type": "string", "format": "date-time"},
                                         "on": {"type": ["string", "null"], "format": "date"},
                                         "kind": {"type": "string", "enum": ["a", "b"]},
                                         "name": {"type": "string", "minLength": 1, "maxLength": 3},
                                         "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2}}}}}}
                """#.utf8))
        let validator = JSONSchemaValidator(root: root)
        let schema = JSONValue.object(["$ref": .string("#/components/schemas/Row")])
        func problems(_ text: String) throws -> [String] { validator.problems(try JSONValue.parse(Array(text.utf8)), schema) }
        let valid = #"{"id":1,"amount":"1500.50","at":"2026-11-23T03:44:29.238984+00:00","on":null,"kind":"a","tags":["x"],"name":"Юлия"}"#
        #expect(try problems(valid) == ["$.name: a string of 4 characters breaks maxLength 3"])
        let good = #"{"id":1,"amount":"1500.50","at":"2026-11-23T03:44:29+03:00","on":"2026-02-28","kind":"b","tags":[]}"#
        #expect(try problems(good) == [])
        for bad in [
            #"{"id":1.5,"amount":"1","at":"2026-11-23T03:44:29Z","on":null,"kind":"a","tags":[]}"#,
            #"{"id":0,"amount":"1","at":"2026-11-23T03:44:29Z","on":null,"kind":"a","tags":[]}"#,
            #"{"id":1,"amount":"1.234","at":"2026-11-23T03:44:29Z","on":null,"kind":"a","tags":[]}"#,
            #"{"id":1,"amount":1,"at":"2026-11-23T03:44:29Z","on":null,"kind":"a","tags":[]}"#,
            #"{"id":1,"amount":"1","at":"2026-11-23 03:44:29","on":null,"kind":"a","tags":[]}"#,
            #"{"id":1,"amount":"1","at":"2026-11-23T03:44:29Z","on":"2026-02-30","kind":"a","tags":[]}"#,
            #"{"id":1,"amount":"1","at":"2026-11-23T03:44:29Z","on":null,"kind":"c","tags":[]}"#,
            #"{"id":1,"amount":"1","at":"2026-11-23T03:44:29Z","on":null,"kind":"a","tags":[1]}"#,
            #"{"id":1,"amount":"1","at":"2026-11-23T03:44:29Z","on":null,"kind":"a","tags":["x","y","z"]}"#,
            #"{"id":1,"amount":"1","at":"2026-11-23T03:44:29Z","on":null,"kind":"a","tags":[],"extra":true}"#,
            #"{"id":1,"amount":"1","at":"2026-11-23T03:44:29Z","kind":"a","tags":[]}"#,
            #"{"id":1,"amount":"1","at":"2026-11-23T03:44:29Z","on":null,"kind":"a","tags":[],"name":""}"#,
        ] {
            #expect(try problems(bad).count == 1, "\(bad)")
        }
        #expect(validator.problems(.null, .object(["oneOf": .array([])])) == ["$: the validator does not know the keyword oneOf"])
    }

    static func split(_ key: String) -> (String, String) {
        let parts = key.split(separator: " ", maxSplits: 1)
        return (String(parts[0]), String(parts[1]))
    }

    /// `/api/v1/clients/{id}/card` → `clients`.
    static func segment(_ path: String) -> String {
        String(path.dropFirst("/api/v1/".count).split(separator: "/").first ?? "")
    }

    /// The `enum` of a path parameter of an operation.
    static func pathEnum(_ contract: OpenAPIContract, _ path: String, _ name: String) -> [String] {
        guard case .array(let parameters)? = contract.operation("GET", path)?.members["parameters"] else { return [] }
        for parameter in parameters where parameter.members["name"] == .string(name) && parameter.members["in"] == .string("path") {
            if case .array(let values)? = parameter.members["schema"]?.members["enum"] { return values.compactMap(\.stringValue) }
        }
        return []
    }

    static func queryEnum(_ contract: OpenAPIContract, _ path: String, _ name: String) -> [String]? {
        guard case .array(let parameters)? = contract.operation("GET", path)?.members["parameters"] else { return nil }
        for parameter in parameters.map(contract.resolved) where parameter.members["name"] == .string(name) {
            if case .array(let values)? = parameter.members["schema"]?.members["enum"] { return values.compactMap(\.stringValue) }
        }
        return nil
    }
}

/// Calls made by the contract test: each response is checked against the document, and what
/// each operation answered is recorded.
struct ContractCalls {
    let server: RunningServer
    let contract: OpenAPIContract
    /// The users to try, in order (director, then admin for what only administrators may do).
    var tokens: [String] = []
    /// Row ids by collection (`clients`), for path parameters and references.
    var ids: [String: Int64] = [:]
    /// A second row of a kind, for bodies that name two of it.
    var alternates: [String: Int64] = [:]
    /// The token that made each collection's row (catalogs: the administrator).
    var owner: [String: String] = [:]
    var problems: [String] = []
    var answered: [String: Set<Int>] = [:]

    /// One call to `concrete` (the template `path` filled in); checked against the document
    /// and, with `expect`, against that status.
    @discardableResult
    mutating func call(
        _ method: String, _ path: String, _ concrete: String, token: String?, body: String? = nil, headers: [String: String] = [:],
        expect: Int? = nil
    ) async throws -> HTTPTestResponse {
        let response = try await server.call(method, concrete, token: token, body: body, headers: headers)
        problems += contract.problems(of: response, method, path)
        answered["\(method) \(path)", default: []].insert(response.status)
        if let expect, response.status != expect {
            problems.append("\(method) \(concrete): \(response.status), expected \(expect): \(response.body.prefix(300))")
        }
        return response
    }

    /// A call as the first user allowed to make it (a 403 — itself checked — moves to the next).
    @discardableResult
    mutating func callAsAnyone(
        _ method: String, _ path: String, concrete: String? = nil, token: String? = nil, body: String? = nil,
        headers: [String: String] = [:], expect: Int
    ) async throws -> HTTPTestResponse {
        var last: HTTPTestResponse?
        for candidate in (token.map { [$0] } ?? []) + tokens {
            let response = try await server.call(method, concrete ?? path, token: candidate, body: body, headers: headers)
            problems += contract.problems(of: response, method, path)
            answered["\(method) \(path)", default: []].insert(response.status)
            last = response
            if response.status == 403 { continue }
            if method == "POST" { owner[String(path.dropFirst("/api/v1/".count))] = candidate }
            break
        }
        guard let last else { throw TestFailure("no user to call \(method) \(path)") }
        if last.status != expect {
            problems.append("\(method) \(concrete ?? path): \(last.status), expected \(expect): \(last.body.prefix(300))")
        }
        return last
    }

    /// The names of the rows each member with `x-references` points at.
    static func references(_ schema: JSONValue) -> [String: String] {
        var out: [String: String] = [:]
        for (name, property) in schema.members["properties"]?.members ?? [:] {
            if case .string(let target)? = property.members["x-references"] { out[name] = target }
        }
        return out
    }

    func canFill(_ example: JSONValue?, _ schema: JSONValue?) -> Bool {
        guard let example, let schema else { return false }
        return Self.references(schema).allSatisfy { name, target in example.members[name] == nil || ids[target] != nil }
    }

    /// The example with the ids of real rows in its references (a second reference to the same
    /// kind of row gets another row, e.g. a stage transition's two stages).
    func fill(_ example: JSONValue, _ schema: JSONValue) -> JSONValue {
        var members = example.members
        var used: Set<String> = []
        for (name, target) in Self.references(schema).sorted(by: { $0.0 < $1.0 }) where members[name] != nil {
            let id = used.contains(target) ? alternates[target] ?? ids[target] : ids[target]
            members[name] = id.map { .number(String($0)) } ?? members[name]
            used.insert(target)
        }
        return .object(members)
    }

    /// Bodies the schema refuses must be refused: not JSON (400); for a strict body (no
    /// undocumented members), an unknown member, an empty object when something is required,
    /// and each member of a wrong JSON type (422 naming that member).
    mutating func refused(
        _ method: String, _ path: String, _ concrete: String, token: String, schema: JSONValue, valid: JSONValue
    )
        async throws
    {
        try await call(method, path, concrete, token: token, body: "{", expect: 400)
        guard schema.members["additionalProperties"] == .bool(false) else {
            if schema.members["required"] != nil { try await call(method, path, concrete, token: token, body: "{}", expect: 422) }
            return
        }
        try await rejects(method, path, concrete, token, valid.merging(.object(["no_such_member": .number("1")])), field: "no_such_member")
        if schema.members["required"].map({ $0 != .array([]) }) ?? false || schema.members["minProperties"] != nil {
            try await call(method, path, concrete, token: token, body: "{}", expect: 422)
        }
        for (name, property) in schema.members["properties"]?.members.sorted(by: { $0.key < $1.key }) ?? [] {
            let types: [String]
            switch property.members["type"] {
            case .string(let t)?: types = [t]
            case .array(let ts)?: types = ts.compactMap(\.stringValue)
            default: continue
            }
            let candidates: [(String, JSONValue)] = [
                ("boolean", .bool(true)), ("object", .object(["a": .number("1")])), ("array", .array([.object([:])])),
            ]
            guard let wrong = candidates.first(where: { !types.contains($0.0) })?.1 else { continue }
            try await rejects(method, path, concrete, token, valid.merging(.object([name: wrong])), field: name)
        }
    }

    private mutating func rejects(
        _ method: String, _ path: String, _ concrete: String, _ token: String, _ body: JSONValue, field: String
    )
        async throws
    {
        let response = try await call(method, path, concrete, token: token, body: body.jsonText, expect: 422)
        let fields = (JSON.object(response.body)["error"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []
        if !fields.contains(where: { $0["field"] as? String == field }) {
            problems.append("\(method) \(concrete) with a wrong \(field): the 422 does not name it: \(response.body.prefix(300))")
        }
    }
}

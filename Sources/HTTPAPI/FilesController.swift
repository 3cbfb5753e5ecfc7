import AccessControl
import Credentials
import Foundation
import Hummingbird
import NIOCore
import PostgresClient

/// `POST /api/v1/files?name=...&client_id=...|deal_id=...` with the raw content (its
/// Content-Type kept) and `GET /api/v1/files/{id}/content`. Metadata, listing and deletion are
/// the generic `files` resource.
struct FilesController: Sendable {
    let storage: FileStorage

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.post("/api/v1/files") { request, context in try await self.upload(request, context) }
        router.get("/api/v1/files/:id/content") { request, context in try await self.download(request, context) }
    }

    func upload(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        var problems: [APIError.FieldError] = []
        let query = request.uri.queryParameters
        let name = query["name"].map(String.init)
        switch name.map({ FieldType.text(maxLength: 255).parse(text: $0, required: true) }) {
        case nil: problems.append(.init(field: "name", message: "required (the file name, as a query parameter)"))
        case .failure(let p)?: problems.append(.init(field: "name", message: p.message))
        case .success(let clean)? where clean.contains("/") || clean.contains("\\"):
            problems.append(.init(field: "name", message: "must not contain / or \\"))
        case .success(let clean)? where clean.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }):
            problems.append(.init(field: "name", message: "must not contain control characters (tabs, line breaks)"))
        default: break
        }
        var found: [String: String] = [:]
        for key in ["client_id", "deal_id"] {
            guard let text = query[Substring(key)] else { continue }
            switch FieldType.reference(table: "").parse(text: String(text), required: true) {
            case .success(let id): found[key] = id
            case .failure(let p): problems.append(.init(field: key, message: p.message))
            }
        }
        let contentType = Self.mediaType(request.headers[.contentType] ?? "application/octet-stream")
        if contentType.wholeMatch(of: #/[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+/#) == nil {
            problems.append(.init(field: "Content-Type", message: "must be a media type such as application/pdf"))
        }
        if !problems.isEmpty { throw APIError.validation(problems) }
        let bytes: [UInt8]
        do {
            bytes = try await RequestInput.body(request, limit: storage.maximumBytes)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge("the file is larger than \(storage.maximumBytes >> 20) MiB")
        }
        if bytes.isEmpty { throw APIError.validation([.init(field: "(body)", message: "the file is empty; send its content as the body")]) }
        let digest = SHA256.digest(bytes)
        let owners = found
        let path = try storage.folder.map { _ in try storage.store(bytes, name: Hex.encode(digest)) }
        let row = try await context.scope.transaction { connection, _ in
            let references = try await ReferenceCheck.problems(owners.mapValues { .number($0) }, of: .files, on: connection)
            if !references.isEmpty { throw APIError.validation(references) }
            let inserted = try await connection.query(
                """
                insert into crm.files (name, content_type, size_bytes, sha256, content, storage_path, client_id, deal_id)
                values (\(name!.trimmingCharacters(in: .whitespaces)), \(contentType), \(Int64(bytes.count)), \(digest)::bytea,
                        \(path == nil ? bytes : nil)::bytea, \(path), \(owners["client_id"])::bigint, \(owners["deal_id"])::bigint)
                returning id
                """)
            guard let id = inserted.first.flatMap({ Int64($0[0] ?? "") }) else { throw APIError.forbidden("not allowed by your role") }
            var row = try await ResourceController(resource: .files).fetch(id, on: connection)
            row.status = .created
            return row
        }
        return RowResponse.make(row)
    }

    func download(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let id = try RequestInput.id(context, .files)
        let (name, type, content, path) = try await context.scope.transaction { connection, _ in
            let rows = try await connection.query(
                "select name, content_type, content, storage_path from crm.files where id = \(id)")
            guard let row = rows.first else { throw RequestInput.notFound(.files, id) }
            return try row.decode((String, String, [UInt8]?, String?).self)
        }
        let bytes = try content ?? storage.read(path ?? "")
        var headers = HTTPFields()
        headers[.contentType] = Self.isActive(type) ? "application/octet-stream" : type
        headers[.contentSecurityPolicy] = "sandbox; default-src 'none'"
        headers[.contentDisposition] =
            "attachment; filename*=UTF-8''" + (name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file")
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The media type of a Content-Type value, without parameters, lower-case (`""` for `;`).
    static func mediaType(_ header: String) -> String {
        (header.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Whether a stored type is served as itself: only passive types a browser shows without
    /// running anything (images but SVG, PDF, plain text and CSV, audio, video, archives, office
    /// documents). Anything else (HTML, SVG, XML, scripts, unknown types) is served as
    /// `application/octet-stream`, so an uploaded page never runs on this site.
    static func isActive(_ contentType: String) -> Bool {
        let parts = mediaType(contentType).split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return true }
        let (top, sub) = (parts[0], parts[1])
        if top == "application" && (sub.hasPrefix("vnd.ms-") || sub.hasPrefix("vnd.openxmlformats-") || sub.hasPrefix("vnd.oasis.")) {
            return false
        }
        if sub.contains("xml") || sub.contains("html") || sub.contains("script") || sub.contains("svg") { return true }
        switch top {
        case "image", "audio", "video": return false
        case "text": return !["plain", "csv"].contains(sub)
        case "application":
            return !["pdf", "zip", "gzip", "x-7z-compressed", "x-rar-compressed", "msword", "rtf", "octet-stream"].contains(sub)
        default: return true
        }
    }
}

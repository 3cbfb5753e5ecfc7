import AccessControl
import Credentials
import Documents
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresClient

/// `POST /api/v1/deals/{id}/documents {"template_id", "vat_rate"?}` makes a document of the deal
/// from a template: in one transaction it takes the next number of the template's kind and year,
/// fills the template from the deal (client, counterparty, lines, responsible, company profile),
/// converts the HTML to PDF (Chromium in a process of its own, with a time limit) and stores both
/// as files of the deal with the document row (audited by the database). Anything failing rolls
/// it all back: no half document, and the number is given back. A deal the caller may not see is
/// 404, one it may not change 403.
///
/// `PUT /api/v1/company-profile/logo` (a PNG or JPEG as the body) and `DELETE` set the logo.
struct DocumentsController: Sendable {
    let storage: FileStorage
    let converter: PDFConverter
    var logger = Logger(label: "crm.documents")

    func register(on router: some RouterMethods<CRMRequestContext>) {
        router.post("/api/v1/deals/:id/documents") { request, context in try await self.make(request, context) }
        router.put("/api/v1/company-profile/logo") { request, context in try await self.setLogo(request, context) }
        router.delete("/api/v1/company-profile/logo") { request, context in try await self.removeLogo(request, context) }
    }

    func make(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let dealID = try RequestInput.id(context, .deals)
        let (templateID, requestedVAT) = try Self.parse(try RequestInput.json(try await RequestInput.body(request, limit: 64 << 10)))
        do {
            _ = try converter.locate()
        } catch let DocumentError.converterMissing(message) {
            throw APIError.serviceUnavailable(code: "converter_missing", message: message)
        }
        let row = try await context.scope.transaction { connection, _ in
            if try await connection.query("select 1 from crm.deals where id = \(dealID)").isEmpty {
                throw RequestInput.notFound(.deals, dealID)
            }
            // A row lock needs the UPDATE rules too: no row means the caller may not change the deal.
            if try await connection.query("select 1 from crm.deals where id = \(dealID) for key share").isEmpty {
                throw APIError.forbidden("you may not change this deal, so you may not make its documents")
            }
            let templates = try await connection.query(
                "select kind, body, body_version, active from crm.document_templates where id = \(templateID)")
            guard let template = templates.first else {
                throw APIError.validation([.init(field: "template_id", message: "no such document template")])
            }
            let (kindText, body, bodyVersion, active) = try template.decode((String, String, Int64, Bool).self)
            guard active else { throw APIError.validation([.init(field: "template_id", message: "the template is not active")]) }
            guard let kind = DocumentKind(rawValue: kindText) else { throw DocumentError.badData("template kind \(kindText)") }
            let nodes: [TemplateNode]
            switch TemplateParser().parse(body) {
            case .success(let parsed): nodes = parsed
            case .failure(let problems):
                throw APIError.conflict("the template does not fit the document fields any more; correct it first: \(problems)")
            }
            guard let json = try await connection.query("select crm_api.document_data(\(dealID))::text").first?[0] else {
                throw RequestInput.notFound(.deals, dealID)
            }
            let vat = try requestedVAT ?? Self.companyVAT(json)
            let numbered = try await connection.query(
                "select number, issued_on::text from crm_api.next_document_number(\(kind.rawValue))")
            let (number, issuedText) = try numbered[0].decode((Int64, String).self)
            guard let issued = RussianDate(iso: issuedText) else { throw DocumentError.badData("issued_on \(issuedText)") }
            let facts = DocumentFacts(kind: kind, number: number, date: issued, vat: vat)
            let (data, summary) = try DocumentDataBuilder().build(json: json, facts: facts)
            let html = HTMLPage.wrap(TemplateRenderer().render(nodes, data: data))
            let pdf: [UInt8]
            do {
                pdf = try await converter.convert(html: html)
            } catch let DocumentError.conversionFailed(reason) {
                logger.error("PDF conversion failed", metadata: ["deal": "\(dealID)", "reason": "\(reason)"])
                throw APIError.serviceUnavailable(
                    code: "conversion_failed", message: "the PDF could not be made; nothing was stored, try again")
            } catch let DocumentError.converterMissing(message) {
                throw APIError.serviceUnavailable(code: "converter_missing", message: message)
            }
            let htmlFile = try await store(
                Array(html.utf8), name: facts.fileName + ".html", type: "text/html", deal: dealID, on: connection)
            let pdfFile = try await store(pdf, name: facts.fileName + ".pdf", type: "application/pdf", deal: dealID, on: connection)
            let inserted = try await connection.query(
                """
                insert into crm.documents (deal_id, counterparty_id, template_id, template_version, kind, number, year, issued_on,
                                           title, total, vat_rate, vat_amount, currency, html_file_id, pdf_file_id)
                values (\(dealID), (select d.counterparty_id from crm.deals d where d.id = \(dealID)), \(templateID), \(bodyVersion),
                        \(kind.rawValue), \(number), \(Int64(issued.year)), \(issuedText)::date, \(facts.title),
                        \(summary.total.decimalText)::numeric, \(vat.code), \(summary.vat.decimalText)::numeric,
                        \(summary.total.currency), \(htmlFile), \(pdfFile))
                returning id
                """)
            guard let id = inserted.first.flatMap({ Int64($0[0] ?? "") }) else { throw APIError.forbidden("not allowed by your role") }
            var row = try await ResourceController(resource: .documents).fetch(id, on: connection)
            row.status = .created
            return row
        }
        return RowResponse.make(row)
    }

    /// Stores one file of the deal (content in PostgreSQL, or in the files folder by SHA-256).
    private func store(_ bytes: [UInt8], name: String, type: String, deal: Int64, on connection: PostgresConnection) async throws -> Int64 {
        let digest = SHA256.digest(bytes)
        let path = try storage.folder.map { _ in try storage.store(bytes, name: Hex.encode(digest)) }
        let rows = try await connection.query(
            """
            insert into crm.files (name, content_type, size_bytes, sha256, content, storage_path, deal_id)
            values (\(name), \(type), \(Int64(bytes.count)), \(digest)::bytea, \(path == nil ? bytes : nil)::bytea, \(path), \(deal))
            returning id
            """)
        guard let id = rows.first.flatMap({ Int64($0[0] ?? "") }) else { throw APIError.forbidden("not allowed by your role") }
        return id
    }

    /// `{"template_id": 3, "vat_rate": "20"}` → the template and the VAT asked for (nil: the company's).
    static func parse(_ body: JSONValue) throws -> (Int64, VATRate?) {
        guard case .object(let members) = body else {
            throw APIError.validation([.init(field: "(body)", message: "must be a JSON object")])
        }
        var problems: [APIError.FieldError] = []
        for key in members.keys.sorted() where !["template_id", "vat_rate"].contains(key) {
            problems.append(.init(field: key, message: "unknown field"))
        }
        var templateID: Int64?
        if let value = members["template_id"], !value.isNull {
            switch FieldType.reference(table: "crm.document_templates").check(value, required: true) {
            case .success(.number(let text)): templateID = Int64(text)
            case .success: problems.append(.init(field: "template_id", message: "must be the id of a row (a positive whole number)"))
            case .failure(let problem): problems.append(.init(field: "template_id", message: problem.message))
            }
        } else {
            problems.append(.init(field: "template_id", message: "required (the document template to fill)"))
        }
        var vat: VATRate?
        if let value = members["vat_rate"], !value.isNull {
            if let code = value.stringValue, let rate = VATRate(code: code) {
                vat = rate
            } else {
                problems.append(.init(field: "vat_rate", message: "must be one of " + VATRate.codes.joined(separator: ", ")))
            }
        }
        if !problems.isEmpty { throw APIError.validation(problems) }
        return (templateID!, vat)
    }

    /// The company profile's default VAT from the deal's data.
    static func companyVAT(_ json: String) throws -> VATRate {
        guard case .object(let root)? = try? JSONValue.parse(Array(json.utf8)), case .object(let company)? = root["company"],
            let code = company["vat_rate"]?.stringValue, let rate = VATRate(code: code)
        else { return .percent(22) }
        return rate
    }

    func setLogo(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        let type = FilesController.mediaType(request.headers[.contentType] ?? "")
        let bytes: [UInt8]
        do {
            bytes = try await RequestInput.body(request, limit: 1 << 20)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge("the logo is larger than 1 MiB")
        }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let looksRight =
            (type == "image/png" && bytes.starts(with: png)) || (type == "image/jpeg" && bytes.starts(with: [0xFF, 0xD8, 0xFF]))
        guard looksRight else {
            throw APIError.validation([.init(field: "(body)", message: "must be a PNG (image/png) or JPEG (image/jpeg) image")])
        }
        return try await updateLogo(context: context, bytes: bytes, type: type)
    }

    func removeLogo(_ request: Request, _ context: CRMRequestContext) async throws -> Response {
        try await updateLogo(context: context, bytes: nil, type: nil)
    }

    private func updateLogo(context: CRMRequestContext, bytes: [UInt8]?, type: String?) async throws -> Response {
        let row = try await context.scope.transaction { connection, _ in
            let updated = try await connection.query(
                "update crm.company_profile set logo = \(bytes)::bytea, logo_content_type = \(type) where id = 1 returning id")
            if updated.isEmpty { throw APIError.forbidden("only administrators change the company profile") }
            return try await ResourceController(resource: .companyProfile).fetch(1, on: connection)
        }
        return RowResponse.make(row)
    }
}

import Credentials
import HTTPAPI
import HTTPTypes
import Hummingbird

/// `/assets/app.css` and `/assets/app.js`, compiled into the binary (nothing to install next
/// to it, nothing downloaded); cached by the browser and revalidated by ETag.
struct AssetsController: Sendable {
    struct Asset: Sendable {
        let text: String
        let contentType: String
        let etag: String

        init(_ text: String, contentType: String) {
            self.text = text
            self.contentType = contentType
            self.etag = "\"" + String(Hex.encode(SHA256.digest(text)).prefix(16)) + "\""
        }
    }

    static let script = Asset(Script.text, contentType: "text/javascript; charset=utf-8")
    static let styleSheet = Asset(StyleSheet.text, contentType: "text/css; charset=utf-8")

    func register(on router: Router<CRMRequestContext>) {
        router.get("/assets/app.js") { request, _ in Self.serve(Self.script, request) }
        router.get("/assets/app.css") { request, _ in Self.serve(Self.styleSheet, request) }
    }

    static func serve(_ asset: Asset, _ request: Request) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = asset.contentType
        headers[.eTag] = asset.etag
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        if request.headers[.ifNoneMatch] == asset.etag { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: asset.text)))
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HTML → PDF with Debian's Chromium, headless (`--print-to-pdf`).
///
/// Why Chromium: it is the browser engine the documents are written for (CSS paged media:
/// `@page { size: A4; margin: … }`, `thead` repeated on every page, `break-inside: avoid` for
/// table rows and the signature block), it embeds the fonts as real text (pdftotext finds the
/// Cyrillic), it is maintained with security updates in Debian 12, and the browser tests already
/// install it. wkhtmltopdf runs an unmaintained QtWebKit (archived upstream in 2023) with weaker
/// paged-media support; LibreOffice headless is far larger and imports HTML poorly (it shines for
/// ODT/DOCX templates, which these are not).
///
/// Each conversion runs in its own process group, in a fresh temporary folder (its own profile,
/// no network: the page's Content-Security-Policy allows no request), with a time limit; the
/// folder is removed afterwards whatever happened. The caller's transaction decides what is
/// stored: a failed conversion throws and nothing of the document is kept.
public struct PDFConverter: Sendable {
    /// The configured program (`--pdf-converter`), or nil to look for Chromium on the PATH.
    public let executable: String?
    public let timeLimit: Duration

    public static let programNames = ["chromium", "chromium-browser", "google-chrome"]

    public init(executable: String? = nil, timeLimit: Duration = .seconds(60)) {
        self.executable = executable
        self.timeLimit = timeLimit
    }

    /// The program to run, or `converterMissing` naming what was looked for.
    public func locate() throws -> String {
        if let executable {
            guard access(executable, X_OK) == 0 else {
                throw DocumentError.converterMissing("the PDF converter \(executable) is not installed or not executable")
            }
            return executable
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in Self.programNames {
            for folder in path.split(separator: ":") where !folder.isEmpty {
                let candidate = folder + "/" + name
                if access(candidate, X_OK) == 0 { return candidate }
            }
        }
        throw DocumentError.converterMissing("the PDF converter chromium is not installed (Debian package chromium)")
    }

    /// The PDF of `html`.
    public func convert(html: String) async throws -> [UInt8] {
        let program = try locate()
        var template = Array((NSTemporaryDirectory() + "/crm-pdf-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw DocumentError.conversionFailed("cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        let folder = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = folder + "/document.html"
        let pdf = folder + "/document.pdf"
        let log = folder + "/converter.log"
        try Data(html.utf8).write(to: URL(fileURLWithPath: page))
        var arguments = [
            program, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-sync", "--disable-translate", "--disable-default-apps",
            "--disable-crash-reporter", "--disable-breakpad", "--mute-audio", "--hide-scrollbars", "--disable-dev-shm-usage",
            "--user-data-dir=" + folder + "/profile", "--no-pdf-header-footer", "--print-to-pdf-no-header",
            "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000",
            "--print-to-pdf=" + pdf, URL(fileURLWithPath: page).absoluteString,
        ]
        // Chromium refuses to start as root with its sandbox; the page can load nothing anyway.
        if geteuid() == 0 { arguments.insert("--no-sandbox", at: 1) }
        let environment = [
            "HOME": folder, "TMPDIR": folder, "XDG_CONFIG_HOME": folder + "/config", "XDG_CACHE_HOME": folder + "/cache",
            "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
        ]
        let process = ConverterProcess(arguments: arguments, environment: environment, outputPath: log, timeLimit: timeLimit)
        let outcome = try await process.start()
        let output = FileManager.default.contents(atPath: pdf).map(Array.init) ?? []
        switch outcome {
        case .exited(0) where output.starts(with: Array("%PDF-".utf8)) && output.count > 100:
            return output
        case .timedOut:
            throw DocumentError.conversionFailed("\(program) ran past its time limit of \(timeLimit) and was stopped")
        case .exited(let status):
            throw DocumentError.conversionFailed("\(program) exited with status \(status) without a PDF: \(Self.tail(log))")
        case .killedBySignal(let signal):
            throw DocumentError.conversionFailed("\(program) was killed by signal \(signal): \(Self.tail(log))")
        }
    }

    /// The last lines the converter wrote (for the log, never for the client).
    static func tail(_ path: String) -> String {
        let text = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return text.split(separator: "\n").suffix(3).joined(separator: " | ")
    }
}

import Hummingbird
import NIOCore

/// The response writer while a download streams from inside the database transaction's closure.
/// Used by one task at a time (the stream's), hence `@unchecked Sendable`.
final class DownloadStream: @unchecked Sendable {
    var writer: any ResponseBodyWriter
    private(set) var rows = 0
    private(set) var failure: (any Error)?
    var broken: Bool { failure != nil }

    init(writer: any ResponseBodyWriter) {
        self.writer = writer
    }

    /// Writes; a failure (the client went away) is kept and ends the stream.
    func write(_ buffer: ByteBuffer, rows: Int = 0) async {
        guard failure == nil else { return }
        do {
            try await writer.write(buffer)
            self.rows += rows
        } catch {
            failure = error
        }
    }
}

import CLibPQ
import Foundation
import Logging

/// Receives libpq notices: logs them at debug level (instead of libpq's default of printing
/// to stderr) and remembers a FATAL error sent to an idle connection (the server telling us
/// it is about to close it, e.g. after `pg_terminate_backend` or a shutdown).
/// The owner must keep the instance alive as long as the libpq connection.
final class NoticeLogger: @unchecked Sendable {
    let logger: Logger
    private let lock = NSLock()
    private var fatal = false

    init(logger: Logger) { self.logger = logger }

    /// Whether the server announced that it is closing the connection.
    var receivedFatal: Bool { lock.withLock { fatal } }

    func install(on handle: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = PQsetNoticeReceiver(
            handle,
            { context, result in
                guard let context, let result else { return }
                Unmanaged<NoticeLogger>.fromOpaque(context).takeUnretainedValue().receive(result)
            }, context)
    }

    private func receive(_ result: OpaquePointer) {
        let severity = optionalString(PQresultErrorField(result, Int32(UInt8(ascii: "V")))) ?? ""
        if severity == "FATAL" || severity == "PANIC" { lock.withLock { fatal = true } }
        logger.debug(
            "postgres notice",
            metadata: [
                "severity": "\(severity)",
                "sqlstate": "\(optionalString(PQresultErrorField(result, Int32(UInt8(ascii: "C")))) ?? "")",
                "notice": "\(optionalString(PQresultErrorMessage(result)).map(PGResult.trimmed) ?? "")",
            ])
    }
}

import CLibPQ
import Logging

/// Routes libpq notices (server NOTICE/WARNING messages, FATAL notices on idle connections)
/// to a `Logger` at debug level instead of libpq's default of printing to stderr.
/// The owner must keep the instance alive as long as the libpq connection.
final class NoticeLogger: Sendable {
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func install(on handle: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = PQsetNoticeProcessor(handle, { context, message in
            guard let context, let message else { return }
            let sink = Unmanaged<NoticeLogger>.fromOpaque(context).takeUnretainedValue()
            sink.logger.debug("postgres notice", metadata: [
                "notice": "\(PGResult.trimmed(String(cString: message)))",
            ])
        }, context)
    }
}

import Logging
import Synchronization

/// Sets up logging once per process: to standard error, at the configured level.
enum LogSetup {
    private static let done = Mutex(false)

    static func bootstrap(level: Logger.Level) -> Logger {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        var logger = Logger(label: "crm")
        logger.logLevel = level
        return logger
    }
}

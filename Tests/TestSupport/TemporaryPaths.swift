import Foundation
import Synchronization

/// Temporary files and folders of tests, removed when the test process exits, so that a run
/// leaves nothing behind in the temporary folder however its tests end.
public enum TemporaryPaths {
    private static let paths = Mutex<[String]>([])
    private static let registration: Void = {
        atexit {
            for path in TemporaryPaths.paths.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
        }
    }()

    /// A new path `<temporary folder>/<prefix><8 characters>`, removed at exit (nothing is created).
    public static func path(_ prefix: String) -> String {
        let path = FileManager.default.temporaryDirectory.path + "/" + prefix + UUID().uuidString.prefix(8)
        removeAtExit(path)
        return path
    }

    /// A new, empty folder, removed at exit with its contents.
    public static func folder(_ prefix: String) throws -> String {
        let path = path(prefix)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Removes `path` (a file or a folder) when the process exits.
    public static func removeAtExit(_ path: String) {
        _ = registration
        paths.withLock { $0.append(path) }
    }
}

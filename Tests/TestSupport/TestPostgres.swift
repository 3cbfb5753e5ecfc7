import EmbeddedPostgres
import Foundation
import Logging
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL cluster for the test run: started once per test process in a temporary
/// folder (as an unprivileged OS user when the tests run as root), stopped when the process exits.
public enum TestPostgres {
    /// A fresh, empty database on the test cluster; returns its libpq connection string.
    public static func makeDatabase(name: String? = nil) async throws -> String {
        let cluster = try await shared.cluster()
        let database = name ?? "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await runBlocking { try cluster.createDatabaseIfNeeded(database) }
        return cluster.conninfo(database: database)
    }

    /// The running test cluster (for tests that need its socket folder or superuser).
    public static func cluster() async throws -> ManagedCluster {
        try await shared.cluster()
    }

    /// Runs blocking work on a thread of its own, off Swift's cooperative pool.
    public static func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    /// Waits for `child` to exit and returns its status; past `limit` the child is killed and the
    /// wait fails with its output, so a stuck program fails its test instead of hanging the run.
    public static func waitForExit(_ child: ChildProcess, limit: Duration = .seconds(240)) async throws -> Int32 {
        let deadline = ContinuousClock.now + limit
        let watchdog = Task {
            try await Task.sleep(until: deadline)
            child.signal(SIGKILL)
        }
        defer { watchdog.cancel() }
        let status = try await runBlocking { child.wait() }
        if ContinuousClock.now >= deadline {
            throw ChildProcessTimeout(limit: limit, output: child.output)
        }
        return status
    }

    /// A thread pool of one thread of its own, for one test connection's blocking libpq calls.
    /// Tests migrate many databases at once, and a connection waiting on a lock in PostgreSQL (the
    /// roles are cluster-wide) must never hold the thread that the connection holding the lock
    /// needs to commit: with `NIOThreadPool.singleton` (one thread per core) two such waits
    /// deadlocked a whole run. The thread stays parked when the connection is closed.
    public static func ownThread() -> NIOThreadPool {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }

    private static let shared = ClusterHolder()
}

/// A child process that had not exited within its time limit (and was killed).
public struct ChildProcessTimeout: Error, CustomStringConvertible {
    public let limit: Duration
    public let output: String
    public var description: String { "the process did not exit within \(limit); output:\n\(output)" }
}

/// Starts the cluster once, however many tests ask at the same time.
private actor ClusterHolder {
    private var started: Task<ManagedCluster, any Error>?

    func cluster() async throws -> ManagedCluster {
        if let started { return try await started.value }
        let task = Task { try await TestPostgres.runBlocking { try Self.startCluster() } }
        started = task
        return try await task.value
    }

    private static func startCluster() throws -> ManagedCluster {
        let base = TestClusterCleanup.parentFolder + "/crm-test-" + UUID().uuidString.prefix(8)
        var logger = Logger(label: "test.cluster")
        logger.logLevel = .warning
        let cluster = try ManagedCluster(
            baseDirectory: base,
            databaseName: "postgres",
            // Every suite runs at once, each server with its pool, listeners and owner connections:
            // 400 was reached once in four full runs ("too many clients already").
            settings: ["max_connections": "800", "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"],
            logger: logger)
        try cluster.start()
        TestClusterCleanup.register(cluster)
        return cluster
    }
}

/// Where the test cluster lives, and its removal when the test process exits.
///
/// A whole run leaves about 3 GB of test databases. On a disk mounted with `discard` (CI's is)
/// removing them takes minutes of synchronous block discards, during which the test process could
/// not exit; so the cluster goes to a memory file system when one has room (`CRM_TEST_TMPDIR`
/// chooses another), and a folder on disk is removed in the background.
enum TestClusterCleanup {
    nonisolated(unsafe) static var command: String?

    /// `CRM_TEST_TMPDIR`, else /dev/shm when it has 8 GB free, else the temporary folder.
    static let parentFolder: String = {
        if let chosen = ProcessInfo.processInfo.environment["CRM_TEST_TMPDIR"], !chosen.isEmpty { return chosen }
        var info = statvfs()
        if statvfs("/dev/shm", &info) == 0, UInt64(info.f_bavail) * UInt64(info.f_frsize) >= 8 << 30,
            access("/dev/shm", W_OK) == 0
        {
            return "/dev/shm"
        }
        return FileManager.default.temporaryDirectory.path
    }()

    static func register(_ cluster: ManagedCluster) {
        let stop = "'\(cluster.binDirectory)/pg_ctl' stop -D '\(cluster.dataDirectory)' -m immediate -w >/dev/null 2>&1"
        let asOwner = geteuid() == 0 ? "runuser -u \(ownerName(of: cluster.dataDirectory)) -- " : ""
        let remove = "rm -rf '\(cluster.baseDirectory)' '\(cluster.socketDirectory)'"
        command = "\(asOwner)\(stop); (setsid \(remove) >/dev/null 2>&1 &)"
        atexit {
            if let command = TestClusterCleanup.command { _ = system(command) }
        }
    }

    private static func ownerName(of path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0, let entry = getpwuid(info.st_uid) else { return "postgres" }
        return String(cString: entry.pointee.pw_name)
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The OS user the cluster's processes run as.
///
/// PostgreSQL refuses to run as root. A normal user runs it as themselves; root runs it as the
/// `postgres` user when it exists (Debian's package creates it), else as `crm-postgres`,
/// created on first use.
struct ClusterOwner: Sendable {
    /// `nil` means "the current user": no `runuser` needed.
    let userName: String?
    let uid: uid_t
    let gid: gid_t

    static let fallbackUserName = "crm-postgres"

    static func resolve() throws -> ClusterOwner {
        guard geteuid() == 0 else {
            return ClusterOwner(userName: nil, uid: geteuid(), gid: getegid())
        }
        for name in ["postgres", fallbackUserName] {
            if let owner = lookup(name) { return owner }
        }
        let useradd = ["/usr/sbin/useradd", "/sbin/useradd"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let useradd else {
            throw ClusterError.noUnprivilegedUser(reason: "useradd not found to create '\(fallbackUserName)'")
        }
        let result = try CommandRunner.run(
            useradd, ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", fallbackUserName])
        guard result.status == 0 || result.status == 9, let owner = lookup(fallbackUserName) else {
            throw ClusterError.noUnprivilegedUser(reason: result.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return owner
    }

    private static func lookup(_ name: String) -> ClusterOwner? {
        guard let entry = getpwnam(name) else { return nil }
        return ClusterOwner(userName: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    /// Makes `path` (created if missing) belong to the owner, so PostgreSQL can write there.
    func prepareDirectory(_ path: String, mode: mode_t = 0o700) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ClusterError.dataDirectoryUnusable(path: path, reason: Self.reason(error))
        }
        guard access(path, W_OK) == 0 else {
            throw ClusterError.dataDirectoryUnusable(path: path, reason: "not writable")
        }
        if userName != nil {
            guard chown(path, uid, gid) == 0 else {
                throw ClusterError.dataDirectoryUnusable(path: path, reason: "cannot change its owner: \(String(cString: strerror(errno)))")
            }
        }
        chmod(path, mode)
    }

    /// When running as root for another user, every folder above `path` must let that user pass
    /// (the x bit). Missing bits are added for "others" (traverse only, not list), and the folders
    /// changed are returned so the caller can log them.
    func ensureTraversable(_ path: String) -> [String] {
        guard userName != nil else { return [] }
        var changed: [String] = []
        var current = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        while current.path != "/" && !current.path.isEmpty {
            var info = stat()
            if stat(current.path, &info) == 0, info.st_mode & S_IXOTH == 0, info.st_uid != uid {
                if chmod(current.path, (info.st_mode & 0o7777) | S_IXOTH) == 0 { changed.append(current.path) }
            }
            current = current.deletingLastPathComponent()
        }
        return changed
    }

    static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.underlying as? POSIXError {
            return String(cString: strerror(underlying.code.rawValue))
        }
        return (error as NSError).localizedDescription
    }
}

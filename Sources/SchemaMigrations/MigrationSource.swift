import Foundation

/// Reads migration files from a folder.
///
/// The project's `sql/` folder holds the versioned migrations in `sql/legacy/` (the frozen chain
/// 001–381) and `sql/migrations/` (everything after), one numbering for both, and the repeatable
/// schema files in `sql/schema/` (applied in the order of `sql/schema/ORDER`, see `loadSchema`).
/// A folder with neither subfolder is read as a flat folder of migrations.
public enum MigrationSource {
    /// The subfolders of `sql/` that hold versioned migrations, in this order.
    public static let versionedFolders = ["legacy", "migrations"]

    /// Loads every `NNN_name.sql` in `directory` (or in its `legacy/` and `migrations/`
    /// subfolders when it has them), sorted by number. Other files are ignored, except `.sql`
    /// files with a bad name, which are refused, and numbers used twice.
    public static func load(directory: String) throws -> [Migration] {
        let folders = versionedFolders.map { directory + "/" + $0 }.filter(isDirectory)
        if folders.isEmpty { return try loadFlat(directory: directory) }
        // A migration left beside the folders would silently never run: refuse it.
        if let stray = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter({ $0.hasSuffix(".sql") }).min() {
            throw MigrationError.strayMigration(stray)
        }
        let migrations = try folders.flatMap(loadFlat).sorted { $0.version < $1.version }
        try refuseDuplicates(migrations)
        return migrations
    }

    /// The repeatable files of `directory/schema`, in the order `schema/ORDER` lists them (one
    /// path per line below `schema/`; blank lines and `#` comments ignored). Empty when there is
    /// no `schema` folder. A `.sql` file not listed, or a listed file missing, is refused.
    public static func loadSchema(directory: String) throws -> [SchemaFile] {
        let root = directory + "/schema"
        guard isDirectory(root) else { return [] }
        guard let data = FileManager.default.contents(atPath: root + "/ORDER"), let order = String(data: data, encoding: .utf8) else {
            throw MigrationError.schemaOrder("cannot read \(root)/ORDER")
        }
        let listed = order.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        if let twice = Dictionary(grouping: listed, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw MigrationError.schemaOrder("\(twice) is listed twice")
        }
        let present = Set((FileManager.default.subpaths(atPath: root) ?? []).filter { $0.hasSuffix(".sql") })
        if let unlisted = present.subtracting(listed).sorted().first {
            throw MigrationError.schemaOrder("\(unlisted) is in sql/schema but not listed; add it where it belongs")
        }
        return try listed.map { path in
            guard present.contains(path), let data = FileManager.default.contents(atPath: root + "/" + path) else {
                throw MigrationError.schemaOrder("\(path) is listed but missing")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw MigrationError.unreadable(file: "schema/" + path, reason: "not UTF-8 text")
            }
            return SchemaFile(path: path, sql: text)
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func refuseDuplicates(_ migrations: [Migration]) throws {
        let byVersion = Dictionary(grouping: migrations, by: \.version)
        if let (version, files) = byVersion.first(where: { $0.value.count > 1 }) {
            throw MigrationError.duplicateVersion(version, files.map(\.fileName).sorted())
        }
    }

    static func loadFlat(directory: String) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MigrationError.directoryNotFound(searched: [directory])
        }
        var migrations: [Migration] = []
        for name in names where name.hasSuffix(".sql") {
            guard let (version, title) = parse(fileName: name) else { throw MigrationError.badFileName(name) }
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw MigrationError.unreadable(file: name, reason: "cannot open")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw MigrationError.unreadable(file: name, reason: "not UTF-8 text")
            }
            migrations.append(Migration(version: version, name: title, sql: text))
        }
        migrations.sort { $0.version < $1.version }
        try refuseDuplicates(migrations)
        return migrations
    }

    /// Finds the `sql` folder: an explicit path, else `./sql`, else next to the executable
    /// (a build folder inside the source tree, or `<prefix>/share/crm/sql` when installed).
    public static func locateDirectory(explicit: String?, executablePath: String = CommandLine.arguments[0]) throws -> String {
        var isDirectory: ObjCBool = false
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw MigrationError.directoryNotFound(searched: [explicit])
            }
            return explicit
        }
        var candidates = [FileManager.default.currentDirectoryPath + "/sql"]
        var folder = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent("sql").path)
            candidates.append(folder.appendingPathComponent("share/crm/sql").path)
            folder = folder.deletingLastPathComponent()
        }
        candidates.append("/usr/share/crm/sql")
        for candidate in candidates {
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue,
                (try? FileManager.default.contentsOfDirectory(atPath: candidate))?.contains(where: {
                    $0.hasSuffix(".sql") || versionedFolders.contains($0)
                }) == true
            {
                return candidate
            }
        }
        throw MigrationError.directoryNotFound(searched: candidates)
    }

    static func parse(fileName: String) -> (Int, String)? {
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let digits = stem[..<underscore]
        let title = stem[stem.index(after: underscore)...]
        guard digits.count == 3, digits.allSatisfy(\.isASCII), let version = Int(digits), !title.isEmpty,
            title.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return nil }
        return (version, String(title))
    }
}

import Foundation

/// Reads migration files from a folder.
public enum MigrationSource {
    /// Loads every `NNN_name.sql` in `directory`, sorted by number. Other files are ignored,
    /// except `.sql` files with a bad name, which are refused.
    public static func load(directory: String) throws -> [Migration] {
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
        let byVersion = Dictionary(grouping: migrations, by: \.version)
        if let (version, files) = byVersion.first(where: { $0.value.count > 1 }) {
            throw MigrationError.duplicateVersion(version, files.map(\.fileName).sorted())
        }
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
                (try? FileManager.default.contentsOfDirectory(atPath: candidate))?.contains(where: { $0.hasSuffix(".sql") }) == true
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

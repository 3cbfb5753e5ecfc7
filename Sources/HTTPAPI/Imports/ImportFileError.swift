/// Why an imported file cannot be read at all (its rows are never half-imported: the import
/// fails whole, with this reason). Each message has an entry in `ErrorCatalogue.imports`.
struct ImportFileError: Error, CustomStringConvertible, Equatable {
    let description: String

    static func fail(_ message: String) -> ImportFileError { ImportFileError(description: message) }
}

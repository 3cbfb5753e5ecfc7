import ArgumentParser
import Foundation

/// Prints one clear line for a failure and exits non-zero.
enum Failure {
    static func exit(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("crm: \(message)\n".utf8))
        return ExitCode(1)
    }
}

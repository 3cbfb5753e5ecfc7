import Hummingbird

extension APIError {
    /// How the API answers `error` — status, code, message and wrong fields — for another front
    /// end (the web pages) that shows the same refusals in its own format. `nil`: a 500.
    public static func describe(_ error: any Error) -> (status: HTTPResponse.Status, code: String, message: String, fields: [FieldError])? {
        guard let apiError = from(error) else { return nil }
        return (apiError.status, apiError.code, apiError.message, apiError.fields ?? [])
    }
}

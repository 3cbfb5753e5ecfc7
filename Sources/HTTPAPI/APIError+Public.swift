import Hummingbird

extension APIError {
    /// How the API answers `error` — status, code, message and wrong fields, in `language` — for
    /// another front end (the web pages) that shows the same refusals in its own format. `nil`: a 500.
    public static func describe(
        _ error: any Error, language: MessageLanguage = .ru
    )
        -> (status: HTTPResponse.Status, code: String, message: String, fields: [FieldError])?
    {
        guard let apiError = from(error) else { return nil }
        let localized = apiError.localized(language)
        return (apiError.status, apiError.code, localized.message, localized.fields ?? [])
    }
}

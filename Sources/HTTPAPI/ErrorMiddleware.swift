import AccessControl
import Hummingbird
import Logging

/// Turns every error thrown below it into the one JSON error format, in the caller's language:
/// the first language of `Accept-Language` the server speaks, else the signed-in user's own
/// setting (one small query, paid by failures only), else Russian. Errors the API does not
/// know become a 500 whose body says nothing about the cause; the cause goes to the log.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = CRMRequestContext

    /// The users' settings; nil: the header or Russian only.
    let database: UserDatabase?

    public init(database: UserDatabase? = nil) {
        self.database = database
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError == nil {
                context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            }
            let language = await language(of: request, context: context, answering: apiError)
            return ErrorResponse.make(apiError, requestID: context.requestID, language: language)
        }
    }

    /// The language to answer `request` in.
    func language(of request: Request, context: Context, answering error: APIError?) async -> MessageLanguage {
        if let asked = MessageLanguage(acceptLanguage: request.headers[.acceptLanguage]) { return asked }
        // The user's setting, unless the token is what failed or the database cannot answer.
        switch error {
        case .unauthorized?, .tooManyRequests?, .databaseBusy?, .databaseUnavailable?: return .ru
        default: break
        }
        guard let database, let token = BearerCredential.token(from: request) else { return .ru }
        let locale = try? await database.withRequest(token: token, clientIP: context.clientIP, passive: true) { connection, identity in
            try await connection.query("select locale from crm.users where id = \(identity.userID)", prepared: true).first?[0]
        }
        return MessageLanguage(locale: locale ?? nil)
    }
}

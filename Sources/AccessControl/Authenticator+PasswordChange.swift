import PostgresClient

extension Authenticator {
    /// Changes the signed-in user's own password after checking the current one (the profile
    /// page). Runs the store as the user on `connection`; a wrong current password is
    /// `AccessError.invalidCredentials` and counts as a failed login, so it cannot be guessed.
    public func changeOwnPassword(
        login: String, current: String, new password: String, userID: Int64, clientIP: String, on connection: PostgresConnection
    ) async throws {
        let lookup = try await pool.query(
            "select user_id, password_hash from crm_api.login_lookup(\(login), \(clientIP)::inet)")
        let (foundID, storedHash) = try lookup[0].decode((Int64?, String?).self)
        let hasher = self.hasher
        let matches = try await hashingThreads.runIfActive {
            guard let storedHash else { return false }
            return hasher.verify(current, against: storedHash)
        }
        guard matches, foundID == userID else {
            _ = try await pool.query("select locked from crm_api.login_failed(\(login), \(clientIP)::inet, 'bad_password')")
            throw AccessError.invalidCredentials
        }
        try await setPassword(password, forUser: userID, on: connection)
    }
}

/// The server's version, reported by `crm version` and `/health`.
public enum BuildInfo {
    public static let version = "0.1.0"
}

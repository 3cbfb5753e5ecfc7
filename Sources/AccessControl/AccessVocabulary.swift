/// The words of the access model, as the database defines them: entities and actions (the text
/// domains `crm.entity_name` and `crm.action_name`), scopes (the enum `crm.scope`, narrowest
/// first), network purposes (`crm.networks.purpose`) and audit actions (`audit.log.action`).
/// The console and the web pages take their lists from here; `AccessVocabularyTests` reads the
/// same lists from a migrated database and fails when the two differ.
public enum AccessVocabulary {
    public static let entities = [
        "client", "counterparty", "contact", "deal", "task", "interaction", "document", "product", "invoice", "report",
    ]
    public static let actions = ["read", "create", "update", "delete", "export", "approve"]
    public static let scopes = ["none", "own", "department", "territory", "all"]
    public static let purposes = ["login", "export", "admin"]
    public static let auditActions = [
        "insert", "update", "delete", "login", "login_failed", "lockout", "logout", "permission_change", "export", "admin_command",
        "exchange", "import",
    ]
}

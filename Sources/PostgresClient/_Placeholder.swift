enum _PostgresClientPlaceholder {}

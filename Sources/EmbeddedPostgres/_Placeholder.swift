enum _EmbeddedPostgresPlaceholder {}

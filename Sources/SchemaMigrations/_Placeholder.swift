enum _SchemaMigrationsPlaceholder {}

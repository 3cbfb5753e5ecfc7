-- Foundation: the extensions later migrations build on.
-- pg_trgm: similarity search on names (duplicate clients, search as you type).
-- pgcrypto: digests for the tamper-evident audit chain and random tokens.
create extension if not exists pg_trgm;
create extension if not exists pgcrypto;

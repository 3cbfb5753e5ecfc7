-- 440 Import of clients from CSV and Excel files (issue 13): the tables.
--   crm_private.imports            one import (or dry run) per row: who, which file, the column
--                                  mapping used, its progress (rows read, written by the reading
--                                  side in short transactions of its own) and, when it failed, why
--   crm_private.import_results     the outcome (counts), written in the same transaction as the
--                                  rows the import made: an import has a result exactly when its
--                                  work committed
--   crm_private.import_rejections  the rows an import refused: row number, column, value, reason
--                                  (the downloadable report of rejected rows), same transaction
--   crm_private.import_mappings    saved column mappings (a user's, by name), reusable
--   audit.log action 'import'      one entry per import batch with its counts (the rows it
--                                  wrote have their own entries from the tables' triggers)
-- Read and written only through the functions of sql/schema/imports/imports.sql, each of
-- which checks that the import is the caller's own. While an import runs, its transaction
-- holds an advisory lock on its id: an import with neither a result nor an error whose lock is
-- free was interrupted (the server stopped), and nothing of it was written.

create table crm_private.imports (
  id bigint generated always as identity primary key,
  user_id bigint not null references crm.users,
  kind text not null check (kind in ('clients')),
  file_name text not null default '' check (length(file_name) <= 500),
  format text not null check (format in ('csv', 'xlsx')),
  dry_run boolean not null,
  columns jsonb not null default '{}',
  rows_read bigint not null default 0,
  error text check (length(error) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index imports_user_idx on crm_private.imports (user_id, id desc);

create table crm_private.import_results (
  import_id bigint primary key references crm_private.imports on delete cascade,
  counts jsonb not null,
  finished_at timestamptz not null default now()
);

create table crm_private.import_rejections (
  import_id bigint not null references crm_private.imports on delete cascade,
  row_number bigint not null,
  column_name text not null default '',
  value text not null default '',
  reason text not null,
  primary key (import_id, row_number)
);

create table crm_private.import_mappings (
  id bigint generated always as identity primary key,
  user_id bigint not null references crm.users,
  kind text not null check (kind in ('clients')),
  name text not null check (length(btrim(name)) between 1 and 200),
  columns jsonb not null check (jsonb_typeof(columns) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index import_mappings_name_uq on crm_private.import_mappings (user_id, kind, lower(name));

alter table audit.log drop constraint log_action_check;
alter table audit.log add constraint log_action_check check (action in ('insert', 'update', 'delete', 'login', 'login_failed',
  'lockout', 'logout', 'permission_change', 'export', 'admin_command', 'exchange', 'import')) not valid;
alter table audit.log validate constraint log_action_check;

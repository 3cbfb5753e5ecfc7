-- Two-factor sign-in (issue 15, "Security additions"): TOTP secrets (RFC 6238) and one-time
-- recovery codes, kept in crm_private like the sessions and lockouts — no USAGE on the schema for
-- crm_user, crm_bi or anybody else, so neither a signed-in user nor a BI login can ever read a
-- secret; only the SECURITY DEFINER sign-in functions given to crm_authenticator touch them
-- (sql/schema/security/two_factor.sql).
create table crm_private.totp_secrets (
  user_id bigint primary key references crm.users (id) on delete cascade,
  secret bytea not null check (octet_length(secret) between 10 and 64),
  started_at timestamptz not null default now(),
  confirmed_at timestamptz,          -- null: enrolment started, not confirmed with a code yet
  last_step bigint                   -- the newest time step accepted: a code is good once
);

-- Ten per enrolment, stored as SHA-256 of the normalised code (random, ~58 bits each).
create table crm_private.totp_recovery_codes (
  id bigint generated always as identity primary key,
  user_id bigint not null references crm.users (id) on delete cascade,
  code_hash bytea not null,
  used_at timestamptz,
  unique (user_id, code_hash)
);

-- A role that requires two factors; what that means for a user not enrolled yet is the company's
-- setting: 'enrolled' (asked only once enrolled: the default, so existing password sign-ins keep
-- working) or 'always' (a user of such a role without TOTP is refused: enrol first).
alter table crm.roles add column requires_two_factor boolean not null default false;
alter table crm_private.config add column two_factor_enforcement text not null default 'enrolled'
  check (two_factor_enforcement in ('enrolled', 'always'));

-- Login history (issue 15, "Security additions"): every sign-in attempt already has a row in
-- crm_private.login_attempts (when, from which address, success or the reason); it now also
-- says which client (api, web, console, console_local) and user agent, and whether the refusal
-- counts towards the lockout (a missing second factor or a locked account does not: only wrong
-- passwords and wrong one-time codes do). Read through crm_api.login_history
-- (sql/schema/security/login_history.sql): the user themself and administrators.
alter table crm_private.login_attempts
  add column client text check (client in ('api', 'web', 'console', 'console_local')),
  add column user_agent text check (length(user_agent) <= 500),
  add column counts boolean not null default true;
create index login_attempts_user_idx on crm_private.login_attempts (user_id, id desc) where user_id is not null;

-- 040 Audit: append-only, hash-chained log of every business row change and of security events.
--
-- Chain design ("seal in commit order, chain by position"):
--   * Writers (row triggers, audit.record_event) only INSERT an unchained entry: id from an
--     identity sequence, seq/prev_hash/hash null. Writers never wait for each other: business
--     writes are not serialised by the audit.
--   * audit.seal() (called by the server after commits and periodically, in its own
--     READ COMMITTED transaction) locks the single chain-head row, reads the committed,
--     unsealed entries in id order and gives each the next position `seq` (gapless, unique),
--     prev_hash = hash of position seq-1 and hash = sha256(prev_hash || canonical content).
--     Only sealers take the head lock, so two sealers cannot fork the chain (and the unique
--     index on seq forbids two entries at one position anyway).
--   * An entry of a transaction still running when a seal happens is simply sealed by a later
--     seal, at a later position: the chain is ordered by commit (seal) order, not by id.
--     Ids lost by rolled-back transactions are never part of the chain: no false alarm.
--   * audit.verify() walks positions 1..N: a missing position (deleted entry), a wrong
--     prev_hash or a wrong hash (altered entry, or entries swapped/reordered: the canonical
--     content includes seq and id) names the first bad entry. The chain head row catches a
--     deleted tail; audit.chain_head() is written outside the database by the server, which
--     catches a chain rewritten wholesale by a superuser (audit.verify_head()).
--   Trade-off: an entry is tamper-evident only once sealed; between commit and seal a superuser
--   could delete it without trace. The window is as short as the server's seal interval. The
--   alternative (chain inside the writing transaction) would hold the head lock until every
--   writer commits, i.e. serialise all business writes.
--   Only the sealing columns of a not-yet-sealed entry can ever be updated (trigger below).

create table audit.log (
  id bigint generated always as identity primary key,
  at timestamptz not null default clock_timestamp(),
  tx xid8 not null default pg_current_xact_id(),
  user_id bigint,                  -- acting CRM user (null: system / unauthenticated)
  db_role text not null,           -- database role the statement ran as (crm_user, owner...)
  login_role text not null,        -- session_user (crm_authenticator, a BI login, ...)
  session_id bigint,
  api_token_id bigint,
  client_ip inet,
  table_name text,
  row_id bigint,
  action text not null check (action in ('insert', 'update', 'delete', 'login', 'login_failed',
           'lockout', 'logout', 'permission_change', 'export', 'admin_command')),
  old_values jsonb,                -- changed fields only (all fields for delete)
  new_values jsonb,                -- changed fields only (non-null fields for insert)
  details jsonb,
  seq bigint unique,
  prev_hash bytea,
  hash bytea,
  check ((seq is null) = (hash is null) and (seq is null) = (prev_hash is null))
);
create index log_unsealed_idx on audit.log (id) where seq is null;
create index log_at_idx on audit.log (at);
create index log_user_idx on audit.log (user_id, at);
create index log_row_idx on audit.log (table_name, row_id, at);
create index log_action_idx on audit.log (action, at);

create table audit.chain_head (
  id boolean primary key default true check (id),
  last_seq bigint not null,
  last_id bigint,
  last_hash bytea not null,
  sealed_at timestamptz
);
insert into audit.chain_head (last_seq, last_hash)
  values (0, sha256(convert_to('crm audit genesis', 'UTF8')));

create function audit.genesis_hash() returns bytea
  language sql immutable
  return sha256(convert_to('crm audit genesis', 'UTF8'));

-- Canonical content of an entry at a position: a jsonb array (jsonb text output is
-- deterministic: normalised numbers, sorted keys); time as integer microseconds since the
-- epoch so the session time zone plays no part.
create function audit.canonical(e audit.log, p_seq bigint) returns bytea
  language sql immutable
  return convert_to(jsonb_build_array(
      p_seq, e.id, (extract(epoch from e.at) * 1000000)::bigint, e.tx::text, e.user_id,
      e.db_role, e.login_role, e.session_id, e.api_token_id, e.client_ip::text, e.table_name,
      e.row_id, e.action, e.old_values, e.new_values, e.details)::text, 'UTF8');

-- Append-only, defence in depth (privileges already forbid it for every request role).
create function audit.forbid_change() returns trigger
  language plpgsql as $$
begin
  if tg_op = 'UPDATE' then
    if tg_table_name = 'log' then
      if old.seq is null and new.seq is not null
         and (to_jsonb(old) - '{seq,prev_hash,hash}'::text[]) = (to_jsonb(new) - '{seq,prev_hash,hash}'::text[]) then
        return new;                                 -- sealing a fresh entry
      end if;
    elsif tg_table_name = 'chain_head' then
      if new.last_seq >= old.last_seq then
        return new;                                 -- advancing the head
      end if;
    end if;
  end if;
  raise exception 'audit.% is append-only (% refused)', tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end
$$;
create trigger log_append_only before update or delete on audit.log
  for each row execute function audit.forbid_change();
create trigger log_no_truncate before truncate on audit.log
  for each statement execute function audit.forbid_change();
create trigger chain_head_append_only before update or delete on audit.chain_head
  for each row execute function audit.forbid_change();
create trigger chain_head_no_truncate before truncate on audit.chain_head
  for each statement execute function audit.forbid_change();

-- Internal writer (not executable by any request role): the acting user, session and IP come
-- from the trusted request context; login events (written by the crm_api login functions,
-- before any context exists) pass them explicitly and those win.
create function audit.append(p_action text, p_table text, p_row_id bigint, p_old jsonb, p_new jsonb,
                             p_details jsonb, p_user_id bigint default null,
                             p_client_ip inet default null, p_session_id bigint default null)
  returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.context();
  new_id bigint;
begin
  insert into audit.log (user_id, db_role, login_role, session_id, api_token_id, client_ip,
                         table_name, row_id, action, old_values, new_values, details)
  values (coalesce(p_user_id, (ctx ->> 'uid')::bigint),
          coalesce(nullif(current_setting('role'), 'none'), session_user),
          session_user,
          coalesce(p_session_id, (ctx ->> 'session_id')::bigint),
          case when p_user_id is null then (ctx ->> 'api_token_id')::bigint end,
          coalesce(p_client_ip, (ctx ->> 'ip')::inet),
          p_table, p_row_id, p_action, p_old, p_new, p_details)
  returning id into new_id;
  return new_id;
end
$$;

-- Row trigger for every secured table. TG_ARGV: columns whose values are never copied into
-- the log (only the fact that they changed), e.g. password_hash.
create function audit.row_change() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  o jsonb;
  n jsonb;
  od jsonb;
  nd jsonb;
  k text;
begin
  if tg_op <> 'INSERT' then o := to_jsonb(old); end if;
  if tg_op <> 'DELETE' then n := to_jsonb(new); end if;
  if tg_op = 'UPDATE' then
    select jsonb_object_agg(key, o -> key), jsonb_object_agg(key, n -> key)
      into od, nd
      from jsonb_object_keys(n) as key
     where o -> key is distinct from n -> key;
  elsif tg_op = 'INSERT' then
    nd := jsonb_strip_nulls(n);
  else
    od := o;
  end if;
  if tg_nargs > 0 then
    foreach k in array tg_argv loop
      if od ? k then od := jsonb_set(od, array[k], '"[redacted]"'); end if;
      if nd ? k then nd := jsonb_set(nd, array[k], '"[redacted]"'); end if;
    end loop;
  end if;
  perform audit.append(lower(tg_op), tg_table_schema || '.' || tg_table_name,
                       (coalesce(n, o) ->> 'id')::bigint, od, nd, null);
  return null;
end
$$;

-- Non-row events from the server: the acting user/session/IP come from the request context
-- (crm_user), or, for the authenticator before a login, from p_client_ip.
create function audit.record_event(p_action text, p_details jsonb default '{}',
                                   p_table text default null, p_row_id bigint default null,
                                   p_client_ip inet default null)
  returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  if p_action is null or p_action not in ('login', 'login_failed', 'lockout', 'logout',
                                          'permission_change', 'export', 'admin_command') then
    raise exception 'not an audit event: %', p_action using errcode = 'invalid_parameter_value';
  end if;
  return audit.append(p_action, p_table, p_row_id, null, null, coalesce(p_details, '{}'),
                      null, case when crm_private.context() is null then p_client_ip end, null);
end
$$;

create function audit.seal(p_limit int default 100000) returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  h audit.chain_head;
  e audit.log;
  cur_seq bigint;
  cur_hash bytea;
  next_hash bytea;
  v_last_id bigint;
  n bigint := 0;
begin
  -- Serialises sealers only. Statements below take fresh snapshots (READ COMMITTED), so they
  -- see everything the previous sealer committed.
  select * into h from audit.chain_head for update;
  cur_seq := h.last_seq;
  cur_hash := h.last_hash;
  for e in select * from audit.log where seq is null order by id limit p_limit loop
    cur_seq := cur_seq + 1;
    next_hash := sha256(cur_hash || audit.canonical(e, cur_seq));
    update audit.log set seq = cur_seq, prev_hash = cur_hash, hash = next_hash where id = e.id;
    cur_hash := next_hash;
    v_last_id := e.id;
    n := n + 1;
  end loop;
  if n > 0 then
    update audit.chain_head
       set last_seq = cur_seq, last_hash = cur_hash, last_id = v_last_id, sealed_at = now();
  end if;
  return n;
end
$$;

-- Walks the chain from position p_from_seq (default: the start). first_bad_id is null when
-- the chain is intact; otherwise the id of the first bad entry and the reason.
create function audit.verify(p_from_seq bigint default 1,
    out first_bad_id bigint, out first_bad_seq bigint, out reason text, out checked bigint)
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  e audit.log;
  h audit.chain_head;
  prev bytea;
  expected bigint := greatest(p_from_seq, 1);
begin
  checked := 0;
  if expected = 1 then
    prev := audit.genesis_hash();
  else
    select l.hash into prev from audit.log l where l.seq = expected - 1;
  end if;
  for e in select * from audit.log where seq >= expected order by seq loop
    if e.seq <> expected then
      first_bad_id := e.id; first_bad_seq := expected;
      reason := format('entry at position %s is missing (deleted?); next present is %s', expected, e.seq);
      return;
    end if;
    if e.prev_hash is distinct from prev then
      first_bad_id := e.id; first_bad_seq := e.seq;
      reason := 'prev_hash does not match the previous entry (deleted or reordered entries)';
      return;
    end if;
    if e.hash is distinct from sha256(prev || audit.canonical(e, e.seq)) then
      first_bad_id := e.id; first_bad_seq := e.seq;
      reason := 'content does not match its hash (altered or moved entry)';
      return;
    end if;
    prev := e.hash;
    expected := expected + 1;
    checked := checked + 1;
  end loop;
  select * into h from audit.chain_head;
  if h.last_seq <> expected - 1 then
    first_bad_id := h.last_id; first_bad_seq := expected;
    reason := format('chain head is at position %s but the log ends at %s (entries deleted at the end?)',
                     h.last_seq, expected - 1);
    return;
  end if;
  if h.last_seq > 0 and h.last_hash is distinct from prev then
    first_bad_id := h.last_id; first_bad_seq := h.last_seq;
    reason := 'chain head hash does not match the last entry';
    return;
  end if;
end
$$;

-- The last sealed position and hash: the server writes them outside the database.
create function audit.chain_head(out last_seq bigint, out last_id bigint, out last_hash text,
                                 out sealed_at timestamptz)
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select h.last_seq, h.last_id, encode(h.last_hash, 'hex'), h.sealed_at from audit.chain_head h;
  end;

-- Compares a head written outside earlier with the chain now (a rewritten chain fails).
create function audit.verify_head(p_seq bigint, p_hash_hex text) returns boolean
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select coalesce((select l.hash = decode(p_hash_hex, 'hex') from audit.log l where l.seq = p_seq), false);
  end;

-- Privileges: nobody but the owner writes; admins read through RLS.
revoke all on audit.log, audit.chain_head from public;
alter table audit.log enable row level security;   -- not forced: the owner's definer code writes
grant select on audit.log to crm_user;
create policy log_admin_read on audit.log for select to crm_user
  using ((select crm_private.rls_admin()));

grant execute on function audit.record_event(text, jsonb, text, bigint, inet) to crm_user, crm_authenticator;
grant execute on function audit.seal(int), audit.chain_head(), audit.verify_head(bigint, text)
  to crm_authenticator, crm_user;
grant execute on function audit.verify(bigint) to crm_authenticator, crm_user;

revoke execute on all functions in schema crm_private, crm_api, audit from public;

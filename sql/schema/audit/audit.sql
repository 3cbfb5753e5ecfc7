-- audit/audit.sql: the append-only, hash-chained audit log: writers, the sealer, the verifier and their rules.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/040_audit.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function audit.genesis_hash() returns bytea
  language sql immutable
  return sha256(convert_to('crm audit genesis', 'UTF8'));

-- Canonical content of an entry at a position: a jsonb array (jsonb text output is
-- deterministic: normalised numbers, sorted keys); time as integer microseconds since the
-- epoch so the session time zone plays no part.
create or replace function audit.canonical(e audit.log, p_seq bigint) returns bytea
  language sql immutable
  return convert_to(jsonb_build_array(
      p_seq, e.id, (extract(epoch from e.at) * 1000000)::bigint, e.tx::text, e.user_id,
      e.db_role, e.login_role, e.session_id, e.api_token_id, e.client_ip::text, e.table_name,
      e.row_id, e.action, e.old_values, e.new_values, e.details)::text, 'UTF8');

-- Append-only, defence in depth (privileges already forbid it for every request role).
create or replace function audit.forbid_change() returns trigger
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

drop trigger if exists log_append_only on audit.log;
create trigger log_append_only before update or delete on audit.log
  for each row execute function audit.forbid_change();

drop trigger if exists log_no_truncate on audit.log;
create trigger log_no_truncate before truncate on audit.log
  for each statement execute function audit.forbid_change();

drop trigger if exists chain_head_append_only on audit.chain_head;
create trigger chain_head_append_only before update or delete on audit.chain_head
  for each row execute function audit.forbid_change();

drop trigger if exists chain_head_no_truncate on audit.chain_head;
create trigger chain_head_no_truncate before truncate on audit.chain_head
  for each statement execute function audit.forbid_change();

-- Row trigger for every secured table. TG_ARGV: columns whose values are never copied into
-- the log (only the fact that they changed), e.g. password_hash.
create or replace function audit.row_change() returns trigger
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
create or replace function audit.record_event(p_action text, p_details jsonb default '{}',
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

create or replace function audit.seal(p_limit int default 100000) returns bigint
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
create or replace function audit.verify(p_from_seq bigint default 1,
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
create or replace function audit.chain_head(out last_seq bigint, out last_id bigint, out last_hash text,
                                 out sealed_at timestamptz)
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select h.last_seq, h.last_id, encode(h.last_hash, 'hex'), h.sealed_at from audit.chain_head h;
  end;

-- Compares a head written outside earlier with the chain now (a rewritten chain fails).
create or replace function audit.verify_head(p_seq bigint, p_hash_hex text) returns boolean
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select coalesce((select l.hash = decode(p_hash_hex, 'hex') from audit.log l where l.seq = p_seq), false);
  end;

-- Privileges: nobody but the owner writes; admins read through RLS.
revoke all on audit.log, audit.chain_head from public;

   -- not forced: the owner's definer code writes
grant select on audit.log to crm_user;

drop policy if exists log_admin_read on audit.log;
create policy log_admin_read on audit.log for select to crm_user
  using ((select crm_private.rls_admin()));

grant execute on function audit.record_event(text, jsonb, text, bigint, inet) to crm_user, crm_authenticator;

grant execute on function audit.seal(int), audit.chain_head(), audit.verify_head(bigint, text)
  to crm_authenticator, crm_user;

grant execute on function audit.verify(bigint) to crm_authenticator, crm_user;

revoke execute on all functions in schema crm_private, crm_api, audit from public;

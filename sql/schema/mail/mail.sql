-- mail/mail: e-mail (issue 13) — the letters' triggers, the sender's functions and their grants.
-- The table is sql/migrations/400_mail_tables.sql, its row rules are declared in 401 (and again
-- by security/declare_tables.sql, which also holds the letters' extra policy and revoke).
--
-- The letters: triggers, the sender's functions and grants. (Rules: 401 and declare_tables.)
--
--   crm_api.email_claim(limit, lease seconds)    due queued letters, claimed with SKIP LOCKED
--       and leased (next_attempt_at moves past the lease, attempts + 1): two senders — in one
--       process or several servers — never send one letter at the same time; a sender that
--       dies mid-send leaves the letter to be retried when the lease ends, with the same bytes
--       and Message-ID.
--   crm_api.email_sent(id, attempt, smtp reply)   sent (only by the attempt that holds the lease)
--   crm_api.email_failed(id, attempt, error, permanent, base, cap, max attempts)
--       queued again after base·2^(attempts-1) seconds (at most cap), or failed: a permanent
--       refusal (5xx) at once, any other failure after max attempts.
--   crm_api.client_emails(client id)              the card's list, under the caller's rules.
-- Requests only insert letters (and read them); the status is written by these functions only.

-- Rule columns from the interaction (its owner — the sender —, the client's department and
-- territory), and a new letter always starts queued, whatever the insert said.
create or replace function crm_private.email_queued() returns trigger
  language plpgsql as $$
begin
  new.status := 'queued';
  new.attempts := 0;
  new.next_attempt_at := now();
  new.last_error := null;
  new.smtp_reply := null;
  new.sent_at := null;
  return new;
end
$$;
drop trigger if exists emails_queued on crm.emails;
create trigger emails_queued before insert on crm.emails
  for each row execute function crm_private.email_queued();
drop trigger if exists emails_inherit on crm.emails;
create trigger emails_inherit before insert or update on crm.emails
  for each row execute function crm_private.inherit_rules('crm.interactions', 'interaction_id',
    'owner_id', 'department_id', 'territory_id');
drop trigger if exists emails_touch on crm.emails;
create trigger emails_touch before update on crm.emails
  for each row execute function crm_private.touch_row();
drop trigger if exists interactions_propagate_rules on crm.interactions;
create trigger interactions_propagate_rules after update on crm.interactions
  for each row execute function crm_private.propagate_rules('crm.emails', 'interaction_id');

-- A committed letter wakes the senders (NOTIFY is delivered at commit).
create or replace function crm_private.email_notify() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform pg_notify('crm_mail', new.id::text);
  return null;
end
$$;
drop trigger if exists emails_notify on crm.emails;
create trigger emails_notify after insert on crm.emails
  for each row execute function crm_private.email_notify();

create or replace function crm_api.email_claim(p_limit int, p_lease_seconds int)
  returns table (email_id bigint, attempt int, sender text, recipients text[], message bytea)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  return query
  with due as (
    select e.id
      from crm.emails e
     where e.status = 'queued' and e.next_attempt_at <= now()
     order by e.next_attempt_at, e.id
     limit p_limit
       for update of e skip locked
  )
  update crm.emails e
     set attempts = e.attempts + 1,
         next_attempt_at = now() + make_interval(secs => p_lease_seconds)
    from due
   where e.id = due.id
  returning e.id, e.attempts, e.sender, e.recipients, e.message;
end
$$;

create or replace function crm_api.email_sent(p_id bigint, p_attempt int, p_reply text) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  update crm.emails e
     set status = 'sent', sent_at = now(), smtp_reply = left(p_reply, 2000), last_error = null
   where e.id = p_id and e.attempts = p_attempt and e.status = 'queued';
  return found;
end
$$;

create or replace function crm_api.email_failed(p_id bigint, p_attempt int, p_error text, p_permanent boolean,
                                     p_base_seconds double precision, p_cap_seconds double precision,
                                     p_max_attempts int) returns text
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  result text;
begin
  update crm.emails e
     set last_error = left(p_error, 2000),
         status = case when p_permanent or e.attempts >= p_max_attempts then 'failed' else 'queued' end,
         next_attempt_at = now() + make_interval(secs => least(p_base_seconds * power(2, e.attempts - 1), p_cap_seconds))
   where e.id = p_id and e.attempts = p_attempt and e.status = 'queued'
  returning e.status into result;
  return result;
end
$$;

-- The client card's letters, newest first (the caller's rules apply: SECURITY INVOKER).
create or replace function crm_api.client_emails(p_client_id bigint) returns json
  language sql stable as $$
  select coalesce(json_agg(row_to_json(x) order by x.created_at desc, x.id desc), '[]')
    from (select e.id, e.interaction_id, e.deal_id, e.subject, e.recipients, e.contact_ids, e.document_ids,
                 e.attachment_file_ids, e.status, e.attempts, e.last_error,
                 e.next_attempt_at,
                 e.sent_at, e.owner_id, e.created_at
            from crm.emails e where e.client_id = p_client_id
           order by e.created_at desc, e.id desc limit 50) x
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
grant execute on function crm_api.client_emails(bigint) to crm_user;
grant execute on function
  crm_api.email_claim(int, int), crm_api.email_sent(bigint, int, text),
  crm_api.email_failed(bigint, int, text, boolean, double precision, double precision, int)
  to crm_authenticator;

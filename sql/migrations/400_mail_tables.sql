-- E-mail from the client card or a deal (issue 13): the tables. The functions, triggers,
-- policies and grants are in sql/401_mail_logic.sql.
--
-- A sent letter is an interaction of kind 'email' (the client's history) and one row here:
-- subject, body, the addresses it went to (and the contacts they belong to), the files
-- attached (crm.files: the PDFs of the deal's documents), and the MIME message exactly as it
-- is handed to the SMTP server (built once, in the request that queues it, so a retry sends
-- the same bytes with the same Message-ID). Status: queued (attempts and the last error while
-- retrying), sent (the server's answer), failed (the reason). The request that queues it
-- inserts the interaction and this row in one transaction; the sender service
-- (Sources/CRMServer/Mail) claims due rows and records each attempt.

create table crm.emails (
  id bigint generated always as identity primary key,
  interaction_id bigint not null unique references crm.interactions on delete cascade,
  client_id bigint not null references crm.clients on delete cascade,
  deal_id bigint references crm.deals on delete set null,
  subject text not null check (length(btrim(subject)) between 1 and 300),
  body text not null check (length(body) <= 100000),
  -- the envelope sender (the configured From address)
  sender text not null check (length(sender) between 3 and 254),
  recipients text[] not null check (cardinality(recipients) between 1 and 50),
  contact_ids bigint[] not null default '{}',
  document_ids bigint[] not null default '{}',
  attachment_file_ids bigint[] not null default '{}',
  message_id text not null unique check (length(message_id) between 3 and 300),
  message bytea not null,
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  attempts int not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  last_error text check (length(last_error) <= 2000),
  smtp_reply text check (length(smtp_reply) <= 2000),
  sent_at timestamptz,
  -- inherited from the interaction (the sender, the client's department and territory)
  owner_id bigint not null default crm_private.rls_uid() references crm.users,
  department_id bigint,
  territory_id bigint,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status = 'sent') = (sent_at is not null))
);
-- The sender's scan: due queued letters, oldest first.
create index emails_due_idx on crm.emails (next_attempt_at, id) where status = 'queued';
create index emails_client_idx on crm.emails (client_id, created_at desc);
create index emails_deal_idx on crm.emails (deal_id, created_at desc) where deal_id is not null;

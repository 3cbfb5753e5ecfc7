-- security/declare_tables: the row rules of every business table, re-declared from their source.
--
-- Runs after every other schema file (sql/schema/ORDER), so the current crm_private.secure_table
-- and rule_predicate build the policies: each table registered in crm_private.secured_tables
-- (kind 'business', tables of later migrations included) gets its generated policies, grants,
-- audit trigger and rule-column indexes again, with its stored parameters. The columns the audit
-- leaves out (audit_redact) are not stored there: they are listed below (crm.files: the file's
-- content, sql/legacy/130; crm.emails: the message bytes, sql/migrations/401), else read back from the table's audit trigger. secure_table drops every policy of the
-- table: a hand-written policy on a business table belongs after this loop, in this file.
-- (Identity tables are declared by their secure_identity_table calls in their own schema
-- files.) The table-level revokes that narrow what secure_table grants follow the loop.

do $$
declare
  t crm_private.secured_tables;
  redact text[];
begin
  for t in select * from crm_private.secured_tables where kind = 'business' order by table_name::text loop
    redact := case t.table_name when 'crm.files'::regclass then '{content}'::text[]
                                when 'crm.emails'::regclass then '{message}'::text[] end;
    if redact is null then
      select crm_private.trigger_args(g.oid) into redact
        from pg_trigger g where g.tgrelid = t.table_name and g.tgname = 'audit_row_change';
    end if;
    perform crm_private.secure_table(t.table_name, entity => t.entity, own_columns => t.own_columns,
      department_column => t.department_column, territory_column => t.territory_column,
      private_column => t.private_column, parent_column => t.parent_column, parent_entity => t.parent_entity,
      audit_redact => coalesce(redact, '{}'));
  end loop;
end
$$;

-- (from sql/legacy/260_stage_rules.sql)
-- Written by the database only (answers go through crm_api.answer_approval).
revoke insert, update, delete on crm.approvals from crm_user;

-- (from the e-mail work, sql/migrations/401) The rules of interactions hold for letters, and on
-- top: whoever may not see the client, or the deal, may neither send nor read its mail.
drop policy if exists crm_parent_visible on crm.emails;
create policy crm_parent_visible on crm.emails as restrictive for all to crm_user, crm_bi
  using (exists (select 1 from crm.clients c where c.id = client_id)
         and (deal_id is null or exists (select 1 from crm.deals d where d.id = deal_id)))
  with check (exists (select 1 from crm.clients c where c.id = client_id)
              and (deal_id is null or exists (select 1 from crm.deals d where d.id = deal_id)));
-- The status is the sender's: requests insert and read letters, never change or remove them.
revoke update, delete on crm.emails from crm_user;

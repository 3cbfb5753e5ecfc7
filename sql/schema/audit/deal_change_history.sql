-- audit/deal_change_history: The change history on the deal card (issue 12): whoever may read a deal reads the audit
--
-- Current definitions (functions, views, triggers, policies, grants) from the chain's
-- sql/legacy/361_deal_change_history.sql; tables and data are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

drop policy if exists log_deal_history_read on audit.log;
create policy log_deal_history_read on audit.log for select to crm_user
  using (table_name = 'crm.deals' and action in ('insert', 'update', 'delete')
         and exists (select 1 from crm.deals d where d.id = row_id));

-- audit/deal_change_history.sql: the deal card's change history: who may read a deal reads its audit entries.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/361_deal_change_history.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

drop policy if exists log_deal_history_read on audit.log;
create policy log_deal_history_read on audit.log for select to crm_user
  using (table_name = 'crm.deals' and action in ('insert', 'update', 'delete')
         and exists (select 1 from crm.deals d where d.id = row_id));

-- 361 The change history on the deal card (issue 12): whoever may read a deal reads the audit
-- entries of that deal's own row changes (insert, update, delete of crm.deals; old → new of the
-- changed fields, redacted columns stay redacted as written). Every other audit entry stays for
-- administrators only (log_admin_read, sql/040). The deal's visibility is the caller's own row
-- rule on crm.deals: the sub-select runs under the caller's row-level security.

create policy log_deal_history_read on audit.log for select to crm_user
  using (table_name = 'crm.deals' and action in ('insert', 'update', 'delete')
         and exists (select 1 from crm.deals d where d.id = row_id));

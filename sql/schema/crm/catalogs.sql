-- crm/catalogs.sql: catalogs (sources, loss reasons, categories, pipelines and stages, deal kinds, custom fields): rules and triggers.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/120_catalogs.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

drop trigger if exists product_categories_no_cycle on crm.product_categories;
create trigger product_categories_no_cycle before insert or update of parent_id on crm.product_categories
  for each row execute function crm_private.tree_no_cycle();

do $$
declare
  t text;
begin
  foreach t in array array['sources', 'loss_reasons', 'product_categories', 'pipelines', 'stages', 'deal_kinds',
                           'custom_fields'] loop
    execute format('create or replace trigger %I before update on crm.%I for each row execute function crm_private.touch_row()',
                   t || '_touch', t);
    perform crm_private.secure_identity_table(format('crm.%I', t)::regclass, 'all', p_bi => true);
  end loop;
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;

-- reports/report_data.sql: what the reports need recorded: cost prices, marketing events, KPI weights.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/300_report_data.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- A line without a cost price takes its product's (the cost when it was sold; a later change
-- of the product's cost price does not rewrite sold lines).
create or replace function crm_private.deal_line_cost() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.cost_price is null then
    select p.cost_price into new.cost_price from crm.products p where p.id = new.product_id;
    new.cost_price := coalesce(new.cost_price, 0);
  end if;
  return new;
end
$$;

drop trigger if exists deal_lines_cost on crm.deal_lines;
create trigger deal_lines_cost before insert or update on crm.deal_lines
  for each row execute function crm_private.deal_line_cost();

drop trigger if exists marketing_events_touch on crm.marketing_events;
create trigger marketing_events_touch before update on crm.marketing_events
  for each row execute function crm_private.touch_row();

select crm_private.secure_identity_table('crm.marketing_events', 'all', p_bi => true);

drop trigger if exists kpi_weights_touch on crm.kpi_weights;
create trigger kpi_weights_touch before update on crm.kpi_weights
  for each row execute function crm_private.touch_row();

select crm_private.secure_identity_table('crm.kpi_weights', 'all', p_bi => true);

revoke execute on all functions in schema crm_private, crm_api, audit from public;

-- crm/deal_lines_follow.sql: deal lines: a deal with lines is worth their sum; a line's price is its product's unless given.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/298_deal_lines_follow.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function crm_private.deal_line_price() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  p crm.products;
  deal_currency text;
begin
  if new.price is not null then return new; end if;
  select * into p from crm.products where id = new.product_id;
  select d.currency into deal_currency from crm.deals d where d.id = new.deal_id;
  if p.currency is distinct from deal_currency then
    raise exception 'the product «%» is priced in %, the deal in %: give the line''s price', p.name, p.currency, deal_currency
      using errcode = 'CR422', column = 'price';
  end if;
  new.price := p.price;
  return new;
end
$$;

drop trigger if exists deal_lines_price on crm.deal_lines;
create trigger deal_lines_price before insert or update on crm.deal_lines
  for each row execute function crm_private.deal_line_price();

create or replace function crm_private.deal_lines_total() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  ids bigint[] := array(select distinct x from unnest(array[(to_jsonb(old) ->> 'deal_id')::bigint,
                                                           (to_jsonb(new) ->> 'deal_id')::bigint]) x where x is not null);
begin
  update crm.deals d set amount = s.total
    from (select l.deal_id, sum(l.amount) as total from crm.deal_lines l where l.deal_id = any (ids) group by l.deal_id) s
   where d.id = s.deal_id and d.amount is distinct from s.total;
  return null;
end
$$;

drop trigger if exists deal_lines_total on crm.deal_lines;
create trigger deal_lines_total after insert or update or delete on crm.deal_lines
  for each row execute function crm_private.deal_lines_total();

create or replace function crm_private.deal_amount_follows_lines() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.amount is distinct from old.amount and pg_trigger_depth() = 1 and crm_private.rls_uid() is not null
     and exists (select 1 from crm.deal_lines l where l.deal_id = new.id) then
    raise exception 'the amount of this deal is the sum of its product lines (%): change the lines',
      (select sum(l.amount) from crm.deal_lines l where l.deal_id = new.id) using errcode = 'CR409';
  end if;
  return new;
end
$$;

drop trigger if exists deals_amount_follows_lines on crm.deals;
create trigger deals_amount_follows_lines before update of amount on crm.deals
  for each row execute function crm_private.deal_amount_follows_lines();

revoke execute on all functions in schema crm_private, crm_api, audit from public;

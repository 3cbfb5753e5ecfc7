#!/usr/bin/env bash
# bench/load.sh SOCKET_DIR [DEALS]  — loads a company of DEALS deals (default 200000) through COPY
# into the private cluster, as the owner `crm` (superuser) over the Unix socket in SOCKET_DIR.
# Rows per DEALS: clients DEALS/10, contacts 2 per client, counterparties 1-2 per client (every third
# client changed its legal entity), tasks DEALS/2, interactions DEALS/2, invoices for the deals at
# the 4th stage and the won ones, with payments. Deterministic (setseed). Needs the demo data (sql/160:
# the «Типовая продажа» pipeline, crm_private.demo_inn10/demo_ogrn).
# BENCH_DISABLE_TRIGGERS=1 disables user triggers (audit, fill) for the COPYs only and re-enables them.
set -euo pipefail
SOCK=${1:?socket dir}; N=${2:-200000}
HERE=$(cd "$(dirname "$0")" && pwd)
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -U crm -d crm)
NC=$(( N / 10 )); NT=$(( N / 2 )); NI=$(( N / 2 ))
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }

"${PSQL[@]}" -f "$HERE/users.sql"
"${PSQL[@]}" <<'SQL'
create schema if not exists bench;
drop table if exists bench.sales_users;
-- Sales users in skew order: the demo managers first (they will own the most), then the bench users.
create table bench.sales_users as
select (row_number() over (order by ord, u.id) - 1)::int as k, u.id as user_id, u.department_id,
       coalesce((select id from crm.territories t where t.name = x.home),
                (select min(territory_id) from crm.user_territories ut where ut.user_id = u.id)) as territory_id
  from crm.users u
  join lateral (select case u.login when 'manager.msk' then 0 when 'manager.spb' then 1 when 'head.msk' then 2
                        when 'junior.msk' then 3 when 'head.spb' then 4 else 5 end as ord,
                       case when u.login in ('manager.msk', 'head.msk', 'junior.msk') then 'Moscow'
                            when u.login in ('manager.spb', 'head.spb') then 'St Petersburg' end as home) x on true
 where u.login in ('manager.msk', 'manager.spb', 'head.msk', 'junior.msk', 'head.spb') or u.login like 'bench.u%';
create table if not exists bench.leaf_territories as
  select (row_number() over (order by id) - 1)::int as k, id from crm.territories
   where name in ('Moscow', 'Tula', 'St Petersburg', 'Kazan', 'Volga');
SQL
NU=$("${PSQL[@]}" -At -c "select count(*) from bench.sales_users")
NL=$("${PSQL[@]}" -At -c "select count(*) from bench.leaf_territories")
echo "load: $N deals, $NC clients, $((NC*2)) contacts, $NT tasks, $NI interactions over $NU sales users, $NL territories"

TABLES="crm.clients crm.contacts crm.counterparties crm.deals crm.tasks crm.interactions crm.invoices crm.payments"
if [[ "${BENCH_DISABLE_TRIGGERS:-0}" == 1 ]]; then
  for t in $TABLES; do "${PSQL[@]}" -c "alter table $t disable trigger user"; done
  echo "load: user triggers (audit, fill) DISABLED for the load"
fi

# copy_into TABLE COLUMNS SELECT: the SELECT runs on the server, its rows are COPYd back in.
copy_into() {
  local t0; t0=$(now)
  "${PSQL[@]}" -c "do \$\$ begin perform setseed(0.42); end \$\$" -c "copy ($3) to stdout" | "${PSQL[@]}" -c "copy $1 ($2) from stdin"
  echo "load: $1 $(secs "$t0" "$(now)") s"
}

CMIN=$("${PSQL[@]}" -At -c "select coalesce(max(id), 0) + 1 from crm.clients")
T_ALL=$(now)
copy_into crm.clients "name, kind, owner_id, responsible_id, department_id, territory_id, is_private, notes, created_at, updated_at" "
  select 'ООО «Клиент ' || g || '»', case when g % 20 = 0 then 'supplier' when g % 50 = 1 then 'both' else 'customer' end,
         s.user_id, s.user_id, s.department_id,
         case when r.t < 0.85 then s.territory_id else (select id from bench.leaf_territories where k = floor(r.t2 * $NL)::int) end,
         g % 40 = 0, 'bench', r.at, r.at
    from generate_series(1, $NC) g
    cross join lateral (select random() as o, random() as t, random() as t2, now() - random() * interval '4 years' as at, g as gg) r
    join bench.sales_users s on s.k = floor($NU * power(r.o, 3))::int"
CMAX=$("${PSQL[@]}" -At -c "select max(id) from crm.clients")
[[ $(( CMAX - CMIN + 1 )) -eq $NC ]] || { echo "load: client ids not contiguous ($CMIN..$CMAX)"; exit 1; }

copy_into crm.contacts "client_id, name, position, phones, emails, owner_id, responsible_id, department_id, territory_id, is_private" "
  select c.id, 'Контакт ' || c.id || '-' || i, (array['Директор', 'Закупщик', 'Технолог', 'Бухгалтер'])[1 + (c.id + i) % 4],
         case when i = 1 then array['+7 495 ' || lpad(((c.id * 7 + i) % 10000000)::text, 7, '0'), '+7 916 ' || lpad(((c.id * 13) % 10000000)::text, 7, '0')]
              else array['+7 495 ' || lpad(((c.id * 7 + i) % 10000000)::text, 7, '0')] end,
         array['c' || c.id || '.' || i || '@example.ru'],
         c.owner_id, c.responsible_id, c.department_id, c.territory_id, c.is_private
    from crm.clients c cross join generate_series(1, 2) i where c.id >= $CMIN"

# Counterparties: one current legal entity per client; every third client also a former one
# (valid_to in the past, the current one valid from the next day). ИНН/ОГРН with valid check
# digits (region prefix 6x, unused by the demo data).
copy_into crm.counterparties "client_id, legal_name, inn, kpp, ogrn, address, valid_from, valid_to, owner_id, responsible_id, department_id, territory_id, is_private, created_at, updated_at" "
  select c.id, case when f.former then 'АО «Клиент ' || (c.id - $CMIN + 1) || '»' else c.name end,
         crm_private.demo_inn10(p.prefix), left(p.prefix, 4) || '01001', crm_private.demo_ogrn('105' || right(p.prefix, 9)),
         'г. Москва, ул. Тестовая, д. ' || (c.id % 200 + 1),
         case when f.former then (c.created_at - interval '5 years')::date
              when (c.id - $CMIN) % 3 = 0 then (c.created_at - interval '1 year')::date + 1 else (c.created_at - interval '5 years')::date end,
         case when f.former then (c.created_at - interval '1 year')::date end,
         c.owner_id, c.responsible_id, c.department_id, c.territory_id, c.is_private, c.created_at, c.created_at
    from crm.clients c
    cross join lateral (select false as former union all select true where (c.id - $CMIN) % 3 = 0) f
    cross join lateral (select '6' || lpad(((c.id - $CMIN) * 2 + f.former::int)::text, 8, '0') as prefix) p
   where c.id >= $CMIN"
"${PSQL[@]}" <<SQL
drop table if exists bench.client_cp, bench.stage_map;
create table bench.client_cp as
  select client_id, max(id) filter (where valid_to is null) as current_id, max(id) filter (where valid_to is not null) as former_id,
         max(valid_to) as switched_on
    from crm.counterparties where client_id >= $CMIN group by client_id;
create unique index on bench.client_cp (client_id);
-- The two 6-stage sales pipelines (the default «Продажи», the preset «Типовая продажа»): stage by position.
create table bench.stage_map as
  select (p.is_default = false)::int as pk, p.id as pipeline_id, s.position, s.id as stage_id, s.kind,
         (select id from crm.deal_kinds k where k.pipeline_id = p.id order by id limit 1) as kind_id
    from crm.pipelines p join crm.stages s on s.pipeline_id = p.id
   where p.is_default or p.name = 'Типовая продажа';
SQL
[[ $("${PSQL[@]}" -At -c "select count(*) from bench.stage_map") == 12 ]] || { echo "load: expected two 6-stage sales pipelines"; exit 1; }
NLR=$("${PSQL[@]}" -At -c "select count(*) from crm.loss_reasons")

DPREV=$("${PSQL[@]}" -At -c "select coalesce(max(id), 0) from crm.deals")
# Deals: 85% in the default pipeline, 15% in the typical sale; stage by position
# 1..6 = 25/20/15/10/15(won)/15(lost)%; lost ones with a loss reason; the counterparty in force
# when the deal was made.
copy_into crm.deals "title, client_id, counterparty_id, amount, currency, pipeline_id, stage_id, kind_id, loss_reason_id, owner_id, responsible_id, department_id, territory_id, closed_at, created_at, updated_at" "
  select 'Сделка ' || g, c.id,
         case when cp.former_id is not null and r.at::date <= cp.switched_on then cp.former_id else cp.current_id end,
         round((1000 + power(r.a, 4) * 5000000)::numeric, 2), case when g % 25 = 0 then 'EUR' else 'RUB' end,
         sm.pipeline_id, sm.stage_id, sm.kind_id,
         case when sm.kind = 'lost' then (select id from crm.loss_reasons order by id offset g % $NLR limit 1) end,
         s.user_id, s.user_id, s.department_id, c.territory_id,
         case when sm.kind <> 'open' then r.at + interval '20 days' end, r.at, r.at
    from generate_series(1, $N) g
    cross join lateral (select random() as c, random() as o, random() as o2, random() as a, random() as st, random() as pp,
                               now() - random() * interval '3 years' as at, g as gg) r
    join crm.clients c on c.id = $CMIN + floor($NC * power(r.c, 2))::int
    join bench.client_cp cp on cp.client_id = c.id
    join bench.sales_users s on s.user_id = case when r.o < 0.85 then c.owner_id
                                                else (select user_id from bench.sales_users where k = floor(r.o2 * $NU)::int) end
    join bench.stage_map sm on sm.pk = (r.pp >= 0.85)::int
                           and sm.position = case when r.st < 0.25 then 1 when r.st < 0.45 then 2 when r.st < 0.6 then 3
                                                  when r.st < 0.7 then 4 when r.st < 0.85 then 5 else 6 end"
DMIN=$("${PSQL[@]}" -At -c "select min(id) from crm.deals where id > $DPREV")
DMAX=$("${PSQL[@]}" -At -c "select max(id) from crm.deals")
[[ $(( DMAX - DMIN + 1 )) -eq $N ]] || { echo "load: deal ids not contiguous ($DMIN..$DMAX)"; exit 1; }

copy_into crm.tasks "title, assignee_id, due_at, reminder_at, status, deal_id, client_id, owner_id, department_id, territory_id, created_at, updated_at" "
  select 'Задача ' || g, d.owner_id, d.created_at + interval '7 days',
         case when g % 3 = 0 then d.created_at + interval '7 days' - interval '1 hour' end,
         case when g % 3 = 0 then 'open' when g % 17 = 0 then 'cancelled' else 'done' end,
         d.id, d.client_id, d.owner_id, d.department_id, d.territory_id, d.created_at, d.created_at
    from generate_series(1, $NT) g
    cross join lateral (select random() as d, g as gg) r
    join crm.deals d on d.id = $DMIN + floor($N * r.d)::int"

copy_into crm.interactions "client_id, deal_id, kind, direction, occurred_at, duration_seconds, summary, owner_id, department_id, territory_id, created_at, updated_at" "
  select d.client_id, d.id, (array['call', 'email', 'meeting', 'message'])[1 + g % 4], case when g % 3 = 0 then 'inbound' else 'outbound' end,
         d.created_at + (g % 20) * interval '1 day', case when g % 4 in (0, 2) then 60 + g % 1800 end,
         'Взаимодействие ' || g || ': обсудили объёмы и сроки поставки', d.owner_id, c.department_id, c.territory_id,
         d.created_at, d.created_at
    from generate_series(1, $NI) g
    cross join lateral (select random() as d, g as gg) r
    join crm.deals d on d.id = $DMIN + floor($N * r.d)::int
    join crm.clients c on c.id = d.client_id"

# Invoices for the deals at the 4th stage (negotiation / order: a third unpaid, a third partly
# paid, a third paid) and for the won ones (paid). paid_amount is given so that it is right also
# with the triggers off; with them on the payments trigger recomputes it.
copy_into crm.invoices "deal_id, counterparty_id, number, issued_on, due_on, amount, paid_amount, owner_id, responsible_id, department_id, territory_id, created_at, updated_at" "
  select d.id, d.counterparty_id, 'Б-' || d.id, (d.created_at + interval '10 days')::date, (d.created_at + interval '20 days')::date,
         d.amount, case when s.kind = 'won' or d.id % 3 = 2 then d.amount when d.id % 3 = 1 then round(d.amount * 0.4, 2) else 0 end,
         d.owner_id, d.responsible_id, d.department_id, d.territory_id, d.created_at + interval '10 days', d.created_at + interval '10 days'
    from crm.deals d join crm.stages s on s.id = d.stage_id
   where d.id >= $DMIN and (s.kind = 'won' or (s.kind = 'open' and s.position = 4))"
copy_into crm.payments "invoice_id, amount, paid_on, reference, owner_id, responsible_id, department_id, territory_id, created_at, updated_at" "
  select i.id, x.paid, i.issued_on + 5, 'п/п № ' || i.id, i.owner_id, i.responsible_id, i.department_id, i.territory_id,
         i.created_at + interval '5 days', i.created_at + interval '5 days'
    from crm.invoices i join crm.deals d on d.id = i.deal_id join crm.stages s on s.id = d.stage_id
    cross join lateral (select case when s.kind = 'won' or d.id % 3 = 2 then i.amount when d.id % 3 = 1 then round(i.amount * 0.4, 2)
                                    else 0 end as paid) x
   where i.number like 'Б-%' and x.paid > 0"
echo "load: all COPYs $(secs "$T_ALL" "$(now)") s"

if [[ "${BENCH_DISABLE_TRIGGERS:-0}" == 1 ]]; then
  for t in $TABLES; do "${PSQL[@]}" -c "alter table $t enable trigger user"; done
  echo "load: user triggers re-enabled"
fi
t0=$(now); "${PSQL[@]}" -c "analyze"; echo "load: analyze $(secs "$t0" "$(now)") s"
"${PSQL[@]}" -At -F ' ' -c "select 'rows:', (select count(*) from crm.clients), 'clients', (select count(*) from crm.contacts), 'contacts',
  (select count(*) from crm.deals), 'deals', (select count(*) from crm.tasks), 'tasks', (select count(*) from crm.counterparties), 'counterparties',
  (select count(*) from crm.interactions), 'interactions', (select count(*) from crm.invoices), 'invoices', (select count(*) from crm.payments), 'payments',
  (select count(*) from crm.deal_stage_history), 'stage history', (select count(*) from audit.log), 'audit entries'"
"${PSQL[@]}" -At -F ' ' -c "select 'invoices by status:', string_agg(status || '=' || n, ' ') from (select status, count(*) n from crm.invoices group by 1 order by 1) x"
"${PSQL[@]}" -At -F ' ' -c "select 'top owners (deals):', string_agg(login || '=' || n, ' ') from (select u.login, count(*) n from crm.deals d join crm.users u on u.id = d.owner_id group by 1 order by 2 desc limit 5) x"

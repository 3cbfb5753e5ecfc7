#!/usr/bin/env bash
# bench/load.sh SOCKET_DIR [DEALS]  — loads a company of DEALS deals (default 200000) through COPY
# into the private cluster, as the owner `crm` (superuser) over the Unix socket in SOCKET_DIR.
# Rows per DEALS: clients DEALS/10, contacts 2 per client, tasks DEALS/2. Deterministic (setseed).
# BENCH_DISABLE_TRIGGERS=1 disables user triggers (audit, fill) for the COPYs only and re-enables them.
set -euo pipefail
SOCK=${1:?socket dir}; N=${2:-200000}
HERE=$(cd "$(dirname "$0")" && pwd)
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -U crm -d crm)
NC=$(( N / 10 )); NT=$(( N / 2 ))
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
echo "load: $N deals, $NC clients, $((NC*2)) contacts, $NT tasks over $NU sales users, $NL territories"

TABLES="crm.clients crm.contacts crm.deals crm.tasks"
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

copy_into crm.contacts "client_id, name, position, phone, email, owner_id, responsible_id, department_id, territory_id, is_private" "
  select c.id, 'Контакт ' || c.id || '-' || i, (array['Директор', 'Закупщик', 'Технолог', 'Бухгалтер'])[1 + (c.id + i) % 4],
         '+7 495 ' || lpad(((c.id * 7 + i) % 10000000)::text, 7, '0'), 'c' || c.id || '.' || i || '@example.ru',
         c.owner_id, c.responsible_id, c.department_id, c.territory_id, c.is_private
    from crm.clients c cross join generate_series(1, 2) i where c.id >= $CMIN"

copy_into crm.deals "title, client_id, amount, currency, stage, owner_id, responsible_id, department_id, territory_id, closed_at, created_at, updated_at" "
  select 'Сделка ' || g, c.id, round((1000 + power(r.a, 4) * 5000000)::numeric, 2), case when g % 25 = 0 then 'EUR' else 'RUB' end,
         st.stage, s.user_id, s.user_id, s.department_id, c.territory_id,
         case when st.stage in ('won', 'lost') then r.at + interval '20 days' end, r.at, r.at
    from generate_series(1, $N) g
    cross join lateral (select random() as c, random() as o, random() as o2, random() as a, random() as st,
                               now() - random() * interval '3 years' as at, g as gg) r
    join crm.clients c on c.id = $CMIN + floor($NC * power(r.c, 2))::int
    join bench.sales_users s on s.user_id = case when r.o < 0.85 then c.owner_id
                                                else (select user_id from bench.sales_users where k = floor(r.o2 * $NU)::int) end
    cross join lateral (select case when r.st < 0.25 then 'new' when r.st < 0.45 then 'qualification'
                                    when r.st < 0.6 then 'proposal' when r.st < 0.7 then 'negotiation'
                                    when r.st < 0.85 then 'won' else 'lost' end as stage) st"
DMIN=$("${PSQL[@]}" -At -c "select min(id) from crm.deals where title = 'Сделка 1'")

copy_into crm.tasks "title, assignee_id, due_at, status, deal_id, client_id, owner_id, department_id, territory_id, created_at, updated_at" "
  select 'Задача ' || g, d.owner_id, d.created_at + interval '7 days', case when g % 3 = 0 then 'open' when g % 17 = 0 then 'cancelled' else 'done' end,
         d.id, d.client_id, d.owner_id, d.department_id, d.territory_id, d.created_at, d.created_at
    from generate_series(1, $NT) g
    cross join lateral (select random() as d, g as gg) r
    join crm.deals d on d.id = $DMIN + floor($N * r.d)::int"
echo "load: all COPYs $(secs "$T_ALL" "$(now)") s"

if [[ "${BENCH_DISABLE_TRIGGERS:-0}" == 1 ]]; then
  for t in $TABLES; do "${PSQL[@]}" -c "alter table $t enable trigger user"; done
  echo "load: user triggers re-enabled"
fi
t0=$(now); "${PSQL[@]}" -c "analyze"; echo "load: analyze $(secs "$t0" "$(now)") s"
"${PSQL[@]}" -At -F ' ' -c "select 'rows:', (select count(*) from crm.clients), 'clients', (select count(*) from crm.contacts), 'contacts',
  (select count(*) from crm.deals), 'deals', (select count(*) from crm.tasks), 'tasks', (select count(*) from audit.log), 'audit entries'"
"${PSQL[@]}" -At -F ' ' -c "select 'top owners (deals):', string_agg(login || '=' || n, ' ') from (select u.login, count(*) n from crm.deals d join crm.users u on u.id = d.owner_id group by 1 order by 2 desc limit 5) x"

-- A request that writes and rolls back: its audit ids become gaps, never chain entries.
begin;
select ok from crm_api.begin_request_as(:uid, '10.9.9.9');
insert into crm.deals (title, amount) values ('pgbench rolled back', 1);
rollback;

-- One request of a server connection: begin_request, business writes (audited), commit.
begin;
select ok from crm_api.begin_request_as(:uid, '10.9.9.9');
insert into crm.deals (title, amount, territory_id) values ('pgbench', 1, null) returning id as deal_id \gset
update crm.deals set amount = amount + 1 where id = :deal_id;
commit;

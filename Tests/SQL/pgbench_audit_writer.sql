-- One request of a server connection: begin_request, a business write (audited), commit.
begin;
select ok from crm_api.begin_request_as(:uid, '10.9.9.9');
insert into crm.deals (title, amount, territory_id) values ('pgbench', 1, null);
update crm.deals set amount = amount + 1 where id = (select max(id) from crm.deals where title = 'pgbench');
commit;

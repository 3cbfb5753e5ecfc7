-- E-mail (issue 13): crm.emails under the row rules of interactions (this registers it; the
-- schema pass re-declares it from then on, sql/schema/security/declare_tables.sql, with the
-- letters' extra policy: whoever may not see the client or the deal may neither send nor read
-- its mail). The message bytes stay out of the audit log. Triggers and functions:
-- sql/schema/mail/mail.sql.
select crm_private.secure_table('crm.emails', entity => 'interaction', own_columns => '{owner_id}',
                                audit_redact => '{message}');

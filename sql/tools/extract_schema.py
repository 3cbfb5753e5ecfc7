"""Generates sql/schema/ from the frozen chain sql/legacy/ (dev tool; run once for the move,
kept to show how the files were made and to re-check them).

    python3 sql/tools/extract_schema.py            # writes sql/schema/** and sql/schema/ORDER

Since the move, sql/schema is edited by hand; running this again overwrites those edits (use it
to compare: run it in a scratch copy of the repository).

Every function, view, trigger, policy, grant/revoke and table declaration
(secure_identity_table, attach_audit, secure_view) of the chain is taken from the SOURCE TEXT of
its LAST definition (with the comment lines right above it) and written, made idempotent
(`create or replace`, `drop ... if exists` before a trigger or policy), into the schema file of
the legacy file that last defined it (AREAS below). Tables, columns, indexes, types, roles and
data stay in the migrations. A function renamed by a later file (install_demo_company ->
install_demo_company_140 in 295) is written under its new name. Business tables are re-declared
by sql/schema/security/declare_tables.sql (a loop over crm_private.secured_tables), written by
hand, as are the trigger loops (DO blocks) of 120/130/190/260 (MANUAL below).
"""
import os, re, sys, glob, collections

sys.path.insert(0, os.path.dirname(__file__))
import sqlsplit

ROOT = os.path.join(os.path.dirname(__file__), '..')
LEGACY = os.path.join(ROOT, 'legacy')
SCHEMA = os.path.join(ROOT, 'schema')

# legacy file number -> schema file (area/concern)
AREAS = {
    1: None, 10: 'security/foundation', 20: 'security/identity', 30: 'security/request_context',
    40: 'audit/audit', 50: 'security/secure_table', 60: 'crm/business_tables', 70: 'security/auth_api',
    80: 'security/bi_logins', 85: 'security/self_check', 90: 'demo/demo_company', 100: 'crm/server_api',
    110: 'crm/company_identifiers', 120: 'crm/catalogs', 130: 'crm/business_core', 140: 'demo/demo_company',
    150: 'crm/api_support', 160: 'demo/demo_data', 170: 'crm/time_zone_check',
    190: 'security/request_context_speed', 200: 'events/events', 210: 'events/timers',
    220: 'events/task_and_deal_events', 225: 'security/passive_request', 240: 'events/inbound',
    250: 'events/webhooks', 260: 'automation/stage_rules', 270: 'automation/presets',
    280: 'security/credentials_and_handover', 290: 'automation/stage_rounds_and_network_rules',
    295: 'demo/demo_company', 296: 'crm/invoice_overpayment', 297: 'crm/currencies',
    298: 'crm/deal_lines_follow', 299: 'events/inbound_matching', 300: 'reports/report_data',
    301: 'reports/sales', 302: 'reports/money', 303: 'reports/classes', 304: 'reports/export',
    305: 'reports/funnel_summary', 320: 'crm/web_preferences', 330: 'crm/list_exports',
    340: 'reports/payment_summary', 341: 'reports/loss_summary', 342: 'reports/cohort_funnel_summary',
    343: 'reports/summary_reports_by_id', 344: 'reports/debts_by_id', 345: 'reports/abc_xyz_months',
    360: 'crm/board_speed', 361: 'audit/deal_change_history', 380: 'documents/documents',
    381: None,
}

# what each schema file is for (its first line)
PURPOSE = {
    'security/foundation': 'schema-level grants of the security foundation (roles and schemas are in the migrations).',
    'security/identity': 'identity helpers: time zones, password and login checks, the identity tables\' row rules.',
    'security/request_context': 'the request context: what a request may see, and the helpers the policies read.',
    'audit/audit': 'the append-only, hash-chained audit log: writers, the sealer, the verifier and their rules.',
    'security/secure_table': 'the row-rule declaration (secure_table, secure_view, secure_identity_table), shares, session ends.',
    'crm/business_tables': 'triggers and rules of the first business tables (clients, contacts, deals, tasks).',
    'security/auth_api': 'authentication and the request-time API of the server (sessions, tokens, begin_request).',
    'security/bi_logins': 'BI logins: PostgreSQL login roles mapped to CRM users, read-only.',
    'security/self_check': 'the catalog self-check the server runs at start-up (crm_api.security_self_check).',
    'crm/server_api': 'what the server\'s login role may read outside a request (the schema version for /health).',
    'crm/company_identifiers': 'ИНН, КПП, ОГРН/ОГРНИП checks (pure functions, the same rules as Sources/CompanyIdentifiers).',
    'crm/catalogs': 'catalogs (sources, loss reasons, categories, pipelines and stages, deal kinds, custom fields): rules and triggers.',
    'crm/business_core': 'the CRM core\'s rules: counterparties, contacts, products, deals and lines, interactions, invoices, payments, files.',
    'crm/api_support': 'what the JSON API needs besides the tables: idempotency keys, saved filters, the client card, the funnel view.',
    'demo/demo_data': 'the living demo: pipeline presets\' installer, demo data and the demo\'s B2B deals (crm serve --demo).',
    'crm/time_zone_check': 'a cheap time zone check (a cached list instead of pg_timezone_names).',
    'security/request_context_speed': 'the context cache and the fast PL/pgSQL policy helpers (no rule weakened).',
    'events/events': 'notifications of users and the outbound event log.',
    'events/timers': 'durable timers: work that must happen at a time, across restarts and server instances.',
    'events/task_and_deal_events': 'notifications and timers of tasks and deals.',
    'security/passive_request': 'passive requests: the server\'s re-checks of a long-lived connection as the user.',
    'events/inbound': 'inbound integrations: web forms post leads, phone systems post call events.',
    'events/webhooks': 'outbound webhooks: subscriptions and deliveries of the event log.',
    'automation/stage_rules': 'stage rules: task templates, exit conditions, transitions, approvals.',
    'automation/presets': 'the three shipped processes (crm_private.install_preset).',
    'security/credentials_and_handover': 'credentials end with their grounds; handover within one\'s scope; approval tasks; BI settings.',
    'automation/stage_rounds_and_network_rules': 'a stage\'s conditions count this visit only; approvals of others; network rules end sessions.',
    'demo/demo_company': 'the demo company: departments, territories, roles, users and first rows (crm_private.install_demo_company).',
    'crm/invoice_overpayment': 'invoice payments and overpayments (recorded, or refused when the company says so).',
    'crm/currencies': 'currencies: an invoice in its deal\'s currency, sums never added across currencies.',
    'crm/deal_lines_follow': 'deal lines: a deal with lines is worth their sum; a line\'s price is its product\'s unless given.',
    'events/inbound_matching': 'inbound events find the right client; repeats join their lead.',
    'reports/report_data': 'what the reports need recorded: cost prices, marketing events, KPI weights.',
    'reports/sales': 'sales reports: funnel, loss reasons, stale deals, sources, and the payments views.',
    'reports/money': 'money reports: gross profit, purchases, receivables and payables, top managers.',
    'reports/classes': 'classifications and ratings: ABC/XYZ, BCG, the manager KPI.',
    'reports/export': 'CSV exports of reports: the export check and its audit entry.',
    'reports/funnel_summary': 'the funnel from a summary kept by triggers (crm_private.deal_stage_summary).',
    'crm/web_preferences': 'the web profile page: a user sets their own time zone and language.',
    'crm/list_exports': 'exports of lists: the export gate and its audit entry.',
    'reports/payment_summary': 'money reports from summaries kept by triggers (payments, invoices, scopes).',
    'reports/loss_summary': 'loss reasons from a summary kept by triggers.',
    'reports/cohort_funnel_summary': 'the cohort funnel from summaries kept by triggers.',
    'reports/summary_reports_by_id': 'the summary reports read the caller\'s scopes once and collect rows by id.',
    'reports/debts_by_id': 'visible invoice balances collected by id.',
    'reports/abc_xyz_months': 'reports.abc_xyz_report without the join of every client with every month.',
    'crm/board_speed': 'the pipeline board\'s totals and read scope without a scan of the visible deals.',
    'audit/deal_change_history': 'the deal card\'s change history: who may read a deal reads its audit entries.',
    'documents/documents': 'documents: company profile, versioned templates, documents of a deal, gapless numbers.',
}

# objects placed elsewhere than their legacy file's area: the demo is defined in one place
OBJECT_AREAS = {'crm_private.install_demo_b2b_deals': 'demo/demo_data'}

NAME = r'([a-z_][a-z_0-9]*\.[a-z_][a-z_0-9]*)'
TYPE_WORDS = set('''bigint int integer int4 int8 smallint text boolean bool date timestamptz timestamp numeric
jsonb json bytea inet cidr interval double real uuid regclass time character varchar anyelement oid name
record void trigger'''.split())


def arg_types(args):
    out, depth, cur = [], 0, ''
    for ch in args:
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        if ch == ',' and depth == 0:
            out.append(cur)
            cur = ''
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    types = []
    for a in out:
        a = re.split(r'\bdefault\b|=', a.strip().lower())[0].strip()
        toks = a.split()
        if toks and toks[0] in ('in', 'inout', 'variadic'):
            toks = toks[1:]
        if toks and toks[0] == 'out':
            continue
        if len(toks) >= 2 and '.' not in toks[0] and toks[0] not in TYPE_WORDS:
            toks = toks[1:]
        types.append(' '.join(toks))
    return tuple(types)


def paren(text, start):
    depth = 0
    for k in range(start, len(text)):
        if text[k] == '(':
            depth += 1
        elif text[k] == ')':
            depth -= 1
            if depth == 0:
                return text[start + 1:k]
    raise ValueError(text[:80])


DECLARE = 'security/declare_tables'
used = collections.defaultdict(set)   # area -> legacy files its statements come from


class Item:
    def __init__(self, pos, area, lead, text):
        self.pos, self.area, self.lead, self.text = pos, area, lead, text


def main():
    objects = collections.OrderedDict()   # key -> Item (last definition)
    attached = collections.defaultdict(list)  # key -> [Item] statements after the create
    stream = []   # (pos, Item) statements kept in chain order (grants, declarations, policy drops)
    manual, skipped = [], collections.Counter()
    business = set()
    redeclared_at = 0
    pos = 0
    for path in sorted(glob.glob(os.path.join(LEGACY, '*.sql'))):
        number = int(os.path.basename(path)[:3])
        area = AREAS[number]
        statements, _ = sqlsplit.split(open(path, encoding='utf-8').read())
        for lead, stmt in statements:
            pos += 1
            c = sqlsplit.strip_comments(stmt)
            item = Item(pos, area, lead, stmt)
            item.source = os.path.basename(path)
            m = re.match(r'create (or replace )?(function|procedure) ' + NAME + r'\s*\(', c)
            if m:
                key = ('function', m.group(3), arg_types(paren(c, c.index('(', m.start(3)))))
                item.area = OBJECT_AREAS.get(m.group(3), area)
                objects.pop(key, None)
                attached.pop(key, None)
                objects[key] = item
                continue
            m = re.match(r'alter function ' + NAME + r'\s*\(([^)]*)\) rename to ([a-z_0-9]+)$', c.rstrip(';'))
            if m:
                old = ('function', m.group(1), arg_types(m.group(2)))
                new_name = m.group(1).split('.')[0] + '.' + m.group(3)
                it = objects.pop(old)
                body = it.text
                i = body.lower().index(m.group(1))
                it.text = body[:i] + new_name + body[i + len(m.group(1)):]
                it.lead = ('-- The body of sql/legacy/140, renamed by 295 (%s wraps it).\n' % m.group(1)) + it.lead
                objects[('function', new_name, old[2])] = it
                continue
            m = re.match(r'create (or replace )?view ' + NAME, c)
            if m:
                key = ('view', m.group(2))
                objects.pop(key, None)
                attached.pop(key, None)
                objects[key] = item
                continue
            m = re.match(r"select crm_private\.secure_view\('" + NAME + r"'\);$", c)
            if m:
                attached[('view', m.group(1))].append(item)
                continue
            m = re.match(r'create (constraint )?trigger ([a-z_0-9]+) .*? on ' + NAME, c)
            if m:
                key = ('trigger', m.group(3), m.group(2))
                objects.pop(key, None)
                objects[key] = item
                continue
            m = re.match(r'drop trigger (if exists )?([a-z_0-9]+) on ' + NAME, c)
            if m:
                objects.pop(('trigger', m.group(3), m.group(2)), None)
                continue
            m = re.match(r'create policy ([a-z_0-9]+) on ' + NAME, c)
            if m:
                stream.append(item)
                continue
            if re.match(r'drop policy ', c):
                stream.append(item)
                continue
            if re.match(r'(grant|revoke) ', c):
                stream.append(item)
                continue
            if re.match(r"select crm_private\.(secure_identity_table|attach_audit)\(", c):
                stream.append(item)
                continue
            if c.startswith('do '):
                if re.search(r"execute format\('create trigger", c):
                    # the trigger loops: made idempotent, kept in place
                    item.text = re.sub(r"execute format\('create trigger", "execute format('create or replace trigger",
                                       item.text, flags=re.I)
                    stream.append(item)
                else:
                    if 'from crm_private.secured_tables' in c:
                        redeclared_at = pos
                    manual.append((os.path.basename(path), c[:100]))
                continue
            m = re.match(r"select crm_private\.secure_table\('" + NAME + "'", c)
            if m:
                business.add(m.group(1))
            skipped[' '.join(c.split()[:2])] += 1
    return place(objects, attached, stream, business, redeclared_at, manual, skipped)


def place(objects, attached, stream, business, redeclared_at, manual, skipped):
    """Puts every item, by chain position, in its area's file."""
    files = collections.defaultdict(list)
    used.clear()
    last_pos = {}
    for key, it in objects.items():
        files[it.area].append((it.pos, render(key, it)))
        used[it.area].add(it.source)
        for a in attached.get(key, []):
            files[it.area].append((it.pos + 0.5, a.lead + ('\n' if a.lead else '') + a.text))
    for it in stream:
        c = sqlsplit.strip_comments(it.text)
        m = re.match(r'(grant|revoke) [a-z, ()_]+ on ' + NAME + ' (to|from) ', c)
        if m and m.group(2) in business and it.pos < redeclared_at:
            # undone by 190's re-declaration of every business table (secure_table grants the four
            # commands again): not part of the current state
            continue
        if m and m.group(2) in business:
            # after the business tables are re-declared (secure_table grants all four commands)
            it.lead = '-- (from sql/legacy/%s)' % it.source + ('\n' + it.lead if it.lead else '')
            files[DECLARE].append((10**6 + it.pos, render_stream(it)))
            continue
        files[it.area].append((it.pos, render_stream(it)))
        used[it.area].add(it.source)
    for area, parts in files.items():
        last_pos[area] = max(p for p, _ in parts)
    return files, last_pos, manual, skipped, redeclared_at


def idempotent_function(text):
    return re.sub(r'^create\s+function', 'create or replace function', text, count=1, flags=re.I)


def render(key, it):
    text = it.text
    kind = key[0]
    if kind == 'function':
        text = idempotent_function(text)
    elif kind == 'view':
        text = re.sub(r'^create\s+view', 'create or replace view', text, count=1, flags=re.I)
    elif kind == 'trigger':
        text = 'drop trigger if exists %s on %s;\n%s' % (key[2], key[1], text)
    return (it.lead + '\n' if it.lead else '') + text


def render_stream(it):
    c = sqlsplit.strip_comments(it.text)
    text = it.text
    m = re.match(r'create policy ([a-z_0-9]+) on ' + NAME, c)
    if m:
        text = 'drop policy if exists %s on %s;\n%s' % (m.group(1), m.group(2), text)
    elif re.match(r'drop policy ', c) and 'if exists' not in c[:25]:
        text = re.sub(r'^drop\s+policy', 'drop policy if exists', text, count=1, flags=re.I)
    return (it.lead + '\n' if it.lead else '') + text


if __name__ == '__main__':
    files, last_pos, manual, skipped, _ = main()
    for k, v in sorted(skipped.items()):
        print('migration-only:', v, k, file=sys.stderr)
    for m in manual:
        print('MANUAL (DO block):', m, file=sys.stderr)
    headers = {}
    for path in sorted(glob.glob(os.path.join(LEGACY, '*.sql'))):
        number = int(os.path.basename(path)[:3])
        first = open(path, encoding='utf-8').readline().rstrip('\n')
        headers.setdefault(AREAS[number], []).append((os.path.basename(path), re.sub(r'^--\s*\d+\s*', '', first)))
    order = []
    last_pos[DECLARE] = 10**7
    headers[DECLARE] = None
    for area in sorted(files, key=lambda a: last_pos[a]):
        parts = sorted(files[area], key=lambda p: p[0])
        target = os.path.join(SCHEMA, area + '.sql')
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if area == DECLARE:
            template = open(os.path.join(os.path.dirname(__file__), 'declare_tables.head.sql'), encoding='utf-8').read()
            with open(target, 'w', encoding='utf-8') as f:
                f.write(template.rstrip('\n') + '\n\n' + '\n\n'.join(t for _, t in parts) + '\n')
            order.append(area + '.sql')
            continue
        sources = [h for h in headers.get(area, []) if h[0] in used[area]]
        sources += [(f, '') for f in sorted(used[area]) if f not in [h[0] for h in sources]]
        described = [h for h in sources if h[1]]
        sources = [(f, d) for f, d in sources]
        head = ['-- %s.sql: %s' % (area, PURPOSE[area])]
        head.append('--')
        head.append('-- The current definitions (functions, views, triggers, policies, grants), taken from their')
        head.append('-- last version in ' + ', '.join('sql/legacy/' + s[0] for s in sources) + ';')
        head.append('-- the tables and data they work on are in the migrations.')
        head.append('-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).')
        with open(target, 'w', encoding='utf-8') as f:
            f.write('\n'.join(head) + '\n\n' + '\n\n'.join(t for _, t in parts) + '\n')
        order.append(area + '.sql')
    with open(os.path.join(SCHEMA, 'ORDER'), 'w') as f:
        f.write('# The order the runner applies sql/schema in (one transaction; see sql/README.md).\n'
                '# Written by sql/tools/extract_schema.py at the move (chain order of the last definitions);\n'
                '# edited by hand from now on: a new file goes after the files it needs at apply time.\n')
        f.write('\n'.join(order) + '\n')

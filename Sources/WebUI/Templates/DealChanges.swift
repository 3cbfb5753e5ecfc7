import PostgresClient

/// The deal's change history from the audit log: per change who and when, and per changed field
/// its name and `old → new`, references shown by name (stage, people, client, source, …) as the
/// reader may see them. Anyone who may read the deal reads its entries (sql/361).
enum DealChanges {
    /// Fields not worth a line (bookkeeping the other lines already say).
    static let hidden: Set<String> = ["version", "updated_at", "stage_entered_at", "stage", "closed_at", "id", "created_at"]

    static let labels: [String: TextKey] = [
        "title": .dealTitle, "amount": .amount, "currency": .fieldCurrency, "stage_id": .stage, "pipeline_id": .fieldPipeline,
        "owner_id": .owner, "responsible_id": .responsible, "client_id": .client, "counterparty_id": .fieldCounterparty,
        "source_id": .source, "loss_reason_id": .lossReason, "probability": .probability, "expected_close_date": .expectedClose,
        "kind_id": .fieldKind, "department_id": .department, "territory_id": .orgNodeTerritory, "custom_fields": .customFields,
        "loss_comment": .fieldLossComment,
    ]

    static func render(_ id: Int64, _ page: PageContext) async throws -> [HTML] {
        let t = page.texts
        let f = page.format
        // One statement: the newest 30 entries, each changed field a row, ids resolved to names
        // under the reader's own row rules (a name the reader may not see stays the id).
        let rows = try await page.rows(
            """
            with a as (
              select a.id, a.at, a.user_id, a.action, coalesce(a.old_values, '{}') as o, coalesce(a.new_values, '{}') as n
              from audit.log a where a.table_name = 'crm.deals' and a.row_id = \(id) order by a.id desc limit 30
            ), kv as (
              select a.id, k.key, a.o ->> k.key as old, a.n ->> k.key as new
              from a cross join lateral (select jsonb_object_keys(a.o || a.n) as key) k
              where (a.o -> k.key) is distinct from (a.n -> k.key)
            ), named as (
              select kv.*, x.old_name, x.new_name
              from kv cross join lateral (
                select (select names.name from (
                          select s.name from crm.stages s where kv.key = 'stage_id' and s.id::text = kv.old
                          union all select p.name from crm.pipelines p where kv.key = 'pipeline_id' and p.id::text = kv.old
                          union all select u.name from crm.users u where kv.key in ('owner_id', 'responsible_id') and u.id::text = kv.old
                          union all select c.name from crm.clients c where kv.key = 'client_id' and c.id::text = kv.old
                          union all select c.legal_name from crm.counterparties c where kv.key = 'counterparty_id' and c.id::text = kv.old
                          union all select s.name from crm.sources s where kv.key = 'source_id' and s.id::text = kv.old
                          union all select r.name from crm.loss_reasons r where kv.key = 'loss_reason_id' and r.id::text = kv.old
                          union all select k.name from crm.deal_kinds k where kv.key = 'kind_id' and k.id::text = kv.old
                          union all select d.name from crm.departments d where kv.key = 'department_id' and d.id::text = kv.old
                          union all select r.name from crm.territories r where kv.key = 'territory_id' and r.id::text = kv.old
                        ) names limit 1) as old_name,
                       (select names.name from (
                          select s.name from crm.stages s where kv.key = 'stage_id' and s.id::text = kv.new
                          union all select p.name from crm.pipelines p where kv.key = 'pipeline_id' and p.id::text = kv.new
                          union all select u.name from crm.users u where kv.key in ('owner_id', 'responsible_id') and u.id::text = kv.new
                          union all select c.name from crm.clients c where kv.key = 'client_id' and c.id::text = kv.new
                          union all select c.legal_name from crm.counterparties c where kv.key = 'counterparty_id' and c.id::text = kv.new
                          union all select s.name from crm.sources s where kv.key = 'source_id' and s.id::text = kv.new
                          union all select r.name from crm.loss_reasons r where kv.key = 'loss_reason_id' and r.id::text = kv.new
                          union all select k.name from crm.deal_kinds k where kv.key = 'kind_id' and k.id::text = kv.new
                          union all select d.name from crm.departments d where kv.key = 'department_id' and d.id::text = kv.new
                          union all select r.name from crm.territories r where kv.key = 'territory_id' and r.id::text = kv.new
                        ) names limit 1) as new_name
              ) x
            )
            select a.id, to_char(a.at at time zone \(page.user.timeZone), 'YYYY-MM-DD HH24:MI'), u.name, a.action,
                   n.key, n.old, n.new, n.old_name, n.new_name
            from a left join crm.users u on u.id = a.user_id left join named n on n.id = a.id
            order by a.id desc, n.key
            """)
        var order: [String] = []
        var heads: [String: (when: String?, who: String?, action: String?)] = [:]
        var lines: [String: [HTML]] = [:]
        for row in rows {
            guard let entry = row[0] else { continue }
            if heads[entry] == nil {
                order.append(entry)
                heads[entry] = (row[1], row[2], row[3])
            }
            guard let key = row[4], !hidden.contains(key) else { continue }
            // A new or deleted deal: its named fields with a value, not every column.
            if row[3] != "update", labels[key] == nil || ["", "{}", "[]"].contains(row[3] == "insert" ? row[6] ?? "" : row[5] ?? "") {
                continue
            }
            let label = labels[key].map { t[$0] } ?? key
            func value(_ raw: String?, _ name: String?) -> String {
                guard let raw else { return "—" }
                if let name { return name }
                switch key {
                case "amount": return f.money(raw)
                case "expected_close_date": return f.date(raw)
                default: return String(raw.prefix(200))
                }
            }
            let old = value(row[5], row[7]), new = value(row[6], row[8])
            let line: HTML =
                row[3] == "update"
                ? "<div><span class=\"muted\">\(label):</span> <del>\(old)</del> → <ins>\(new)</ins></div>"
                : "<div><span class=\"muted\">\(label):</span> \(row[3] == "delete" ? old : new)</div>"
            lines[entry, default: []].append(line)
        }
        return order.map { entry in
            let head = heads[entry]!
            let action: HTML =
                head.action == "update"
                ? .empty : "<div><strong>\(t[head.action == "insert" ? .changeCreated : .changeDeleted])</strong></div>"
            return "<tr><td>\(f.time(head.when))</td><td>\(head.who ?? "—")</td><td>\(action)\(lines[entry] ?? [])</td></tr>"
        }
    }
}

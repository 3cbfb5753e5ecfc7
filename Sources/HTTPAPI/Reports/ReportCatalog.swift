/// Every report the API serves, described once: the routes, the validation, the JSON and CSV
/// answers and the OpenAPI document are made from these descriptions. Column lists follow the
/// `reports.*_report` functions (sql/301–303); sql/REPORTS.md explains each column.
enum ReportCatalog {
    static let all: [ReportDefinition] = [
        salesFunnel, lossReasons, staleDeals, sourceEffectiveness, grossProfitDeals, grossProfitClients, purchases,
        receivables, payables, topManagers, managerKPI, abcXYZ, abcXYZMatrix, bcgMatrix,
    ]

    static func named(_ name: String) -> ReportDefinition? { all.first { $0.name == name } }

    private typealias C = ReportColumn

    static let salesFunnel = ReportDefinition(
        name: "sales_funnel", title: "Воронка продаж / Sales funnel",
        summary:
            "Per stage and currency over the deals created in the period: deals and sums now in the stage, deals that reached it, conversion to the next stage and to won, average days in the stage",
        view: "reports.funnel_deals",
        parameters: [
            .from, .to,
            .id("pipeline_id", default: "(select id from crm.pipelines where is_default)", "the pipeline; default: the default one"),
            .responsible, .id("department_id", "only deals of this department and its sub-departments"),
        ],
        columns: [
            C("stage_id", .integer), C("code", .text), C("stage", .text), C("position", .integer), C("kind", .text),
            C("currency", .text), C("deals", .integer), C("amount", .money), C("reached", .integer),
            C("reached_next", .integer), C("won", .integer), C("conversion_to_next", .decimal),
            C("conversion_to_won", .decimal), C("avg_days_in_stage", .decimal),
        ],
        call: #"reports.sales_funnel_report(p."from", p."to", p."pipeline_id", p."responsible_id", p."department_id")"#)

    static let lossReasons = ReportDefinition(
        name: "loss_reasons", title: "Причины проигрыша / Loss reasons",
        summary: "Count and sum of the deals lost in the period per reason, stage they were lost at and manager",
        view: "reports.lost_deals",
        parameters: [.from, .to, .id("pipeline_id", "only this pipeline")],
        columns: [
            C("loss_reason_id", .integer), C("loss_reason", .text), C("lost_at_stage_id", .integer),
            C("lost_at_stage", .text), C("responsible_id", .integer), C("responsible", .text), C("currency", .text),
            C("deals", .integer), C("amount", .money),
        ],
        call: #"reports.loss_reasons_report(p."from", p."to", p."pipeline_id")"#)

    static let staleDeals = ReportDefinition(
        name: "stale_deals", title: "Забытые сделки / Stale deals",
        summary: "Open deals without an interaction, a task or a stage change for at least `days` days",
        view: "reports.stale_deals",
        parameters: [
            ReportParameter(
                name: "days", kind: .positiveInteger(0...3650), defaultSQL: "14",
                summary: "days without activity; default 14"), .responsible,
        ],
        columns: [
            C("deal_id", .integer), C("title", .text), C("pipeline_id", .integer), C("stage_id", .integer),
            C("stage", .text), C("client_id", .integer), C("client", .text), C("responsible_id", .integer),
            C("responsible", .text), C("department_id", .integer), C("currency", .text), C("amount", .money),
            C("last_activity_at", .timestamp), C("days_idle", .integer),
        ],
        call: #"reports.stale_deals_report(p."days", p."responsible_id")"#)

    static let sourceEffectiveness = ReportDefinition(
        name: "source_effectiveness", title: "Эффективность источников / Source effectiveness",
        summary:
            "Leads (deals created in the period), clients, won deals, revenue, conversion per source, UTM campaign or marketing event (with budget, cost per lead and return)",
        view: "reports.deal_sources",
        parameters: [
            .from, .to,
            ReportParameter(
                name: "group", kind: .choice(["source", "utm", "event"]), defaultSQL: "'source'",
                summary: "group by source (default), utm or event"),
        ],
        columns: [
            C("source_id", .integer), C("source", .text), C("marketing_event_id", .integer), C("marketing_event", .text),
            C("utm_source", .text), C("utm_medium", .text), C("utm_campaign", .text), C("currency", .text),
            C("leads", .integer), C("clients", .integer), C("won", .integer), C("won_amount", .money),
            C("revenue", .money), C("conversion", .decimal), C("budget", .money), C("cost_per_lead", .money),
            C("return_on_budget", .decimal),
        ],
        call: #"reports.source_effectiveness_report(p."from", p."to", p."group")"#)

    private static let profitColumns = [
        C("invoiced", .money), C("revenue", .money), C("cost", .money),
        C("gross_profit", .money), C("margin", .decimal),
    ]

    static let grossProfitDeals = ReportDefinition(
        name: "gross_profit_deals", title: "Валовая прибыль по сделкам / Gross profit per deal",
        summary: "Deals won in the period: revenue from their paid invoices minus the cost of their lines",
        view: "reports.gross_profit_deals",
        parameters: [.from, .to, .responsible],
        columns: [
            C("deal_id", .integer), C("title", .text), C("client_id", .integer), C("client", .text),
            C("responsible_id", .integer), C("responsible", .text), C("closed_on", .date), C("currency", .text),
        ]
            + profitColumns,
        call: #"reports.gross_profit_deals_report(p."from", p."to", p."responsible_id")"#)

    static let grossProfitClients = ReportDefinition(
        name: "gross_profit_clients", title: "Валовая прибыль по клиентам / Gross profit per client",
        summary: "The deals won in the period per client (all its legal entities together)",
        view: "reports.gross_profit_deals",
        parameters: [.from, .to],
        columns: [C("client_id", .integer), C("client", .text), C("currency", .text), C("deals", .integer)] + profitColumns,
        call: #"reports.gross_profit_clients_report(p."from", p."to")"#)

    static let purchases = ReportDefinition(
        name: "purchases", title: "Закупки / Purchases",
        summary:
            "Purchase invoices issued in the period per month, product category, supplier and purchasing manager: invoiced, paid, outstanding",
        view: "reports.purchase_invoices",
        parameters: [.from, .to],
        columns: [
            C("month", .date), C("category_id", .integer), C("category", .text), C("supplier_id", .integer),
            C("supplier", .text), C("purchaser_id", .integer), C("purchaser", .text), C("currency", .text),
            C("deals", .integer), C("invoices", .integer), C("invoiced", .money), C("paid", .money),
            C("outstanding", .money),
        ],
        call: #"reports.purchases_report(p."from", p."to")"#)

    private static let debtColumns = [
        C("client_id", .integer), C("client", .text), C("counterparty_id", .integer), C("counterparty", .text), C("inn", .text),
        C("currency", .text), C("invoices", .integer), C("outstanding", .money), C("not_due", .money),
        C("overdue_1_30", .money), C("overdue_31_60", .money), C("overdue_61_90", .money), C("overdue_over_90", .money),
        C("max_days_overdue", .integer),
    ]

    static let receivables = ReportDefinition(
        name: "receivables", title: "Дебиторская задолженность / Receivables",
        summary: "What customers owe on sales invoices per client and counterparty, aged by days overdue",
        view: "reports.receivables", parameters: [.asOf], columns: debtColumns,
        call: #"reports.debts_at(p."as_of", false)"#)

    static let payables = ReportDefinition(
        name: "payables", title: "Кредиторская задолженность / Payables",
        summary: "What we owe suppliers on purchase invoices per supplier and counterparty, aged by days overdue",
        view: "reports.payables", parameters: [.asOf], columns: debtColumns,
        call: #"reports.debts_at(p."as_of", true)"#)

    static let topManagers = ReportDefinition(
        name: "top_managers", title: "Лучшие менеджеры / Top managers",
        summary: "Managers ranked by the money received in the period on their deals' invoices",
        view: "reports.payments_received",
        parameters: [
            .from, .to,
            ReportParameter(
                name: "limit", kind: .positiveInteger(1...1000), defaultSQL: "100",
                summary: "ranks shown per currency; default 100"),
        ],
        columns: [
            C("rank", .integer), C("responsible_id", .integer), C("responsible", .text), C("currency", .text),
            C("paid", .money), C("payments", .integer), C("invoices", .integer), C("deals", .integer),
            C("clients", .integer),
        ],
        call: #"reports.top_managers_report(p."from", p."to", p."limit")"#)

    static let managerKPI = ReportDefinition(
        name: "manager_kpi", title: "Рейтинг менеджеров (KPI) / Manager rating",
        summary:
            "Won deals, revenue, conversion, average deal, overdue tasks, interactions per week and the weighted score (weights: crm.kpi_weights)",
        view: "reports.manager_kpi",
        parameters: [
            .from, .to,
            ReportParameter(
                name: "currency", kind: .currency, defaultSQL: "'RUB'",
                summary: "the currency of revenue and average deal; default RUB"),
        ],
        columns: [
            C("responsible_id", .integer), C("responsible", .text), C("currency", .text), C("won_deals", .integer),
            C("lost_deals", .integer), C("revenue", .money), C("conversion", .decimal), C("average_deal", .money),
            C("overdue_tasks", .integer), C("interactions_per_week", .decimal), C("score", .decimal),
            C("rank", .integer),
        ],
        call: #"reports.manager_kpi_report(p."from", p."to", p."currency")"#)

    static let abcXYZ = ReportDefinition(
        name: "abc_xyz", title: "ABC/XYZ-анализ клиентов / ABC/XYZ of clients",
        summary:
            "Clients by share of revenue (A: first 80%, B: next 15%, C: rest) and by the coefficient of variation of monthly revenue (X ≤ 10%, Y ≤ 25%, Z above)",
        view: "reports.abc_xyz", parameters: [.from, .to],
        columns: [
            C("client_id", .integer), C("client", .text), C("currency", .text), C("revenue", .money),
            C("share", .decimal), C("cumulative_share", .decimal), C("abc", .text), C("months", .integer),
            C("mean_monthly", .money), C("cv", .decimal), C("xyz", .text), C("cell", .text),
        ],
        call: #"reports.abc_xyz_report(p."from", p."to")"#)

    static let abcXYZMatrix = ReportDefinition(
        name: "abc_xyz_matrix", title: "Матрица ABC/XYZ / ABC/XYZ matrix",
        summary: "The nine cells AX…CZ per currency with the number of clients and their revenue",
        view: "reports.abc_xyz", parameters: [.from, .to],
        columns: [
            C("currency", .text), C("abc", .text), C("xyz", .text), C("cell", .text), C("clients", .integer),
            C("revenue", .money),
        ],
        call: #"reports.abc_xyz_matrix_report(p."from", p."to")"#)

    static let bcgMatrix = ReportDefinition(
        name: "bcg_matrix", title: "Матрица BCG / BCG matrix",
        summary:
            "Clients by relative revenue share (≥ 1 × the mean: high) and growth against the previous period of the same length (≥ 10% or new: high): star, cash_cow, question_mark, dog",
        view: "reports.bcg_matrix", parameters: [.from, .to],
        columns: [
            C("client_id", .integer), C("client", .text), C("currency", .text), C("revenue", .money),
            C("previous_revenue", .money), C("growth", .decimal), C("relative_share", .decimal), C("quadrant", .text),
        ],
        call: #"reports.bcg_report(p."from", p."to")"#)
}

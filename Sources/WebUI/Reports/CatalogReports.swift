/// The pages of the catalog reports (`GET /api/v1/reports/{name}`), listed in `WebReports.all`.
extension CatalogReport {
    private typealias C = Column

    static let lossReasons = CatalogReport(
        slug: "loss-reasons", title: .reportLossReasons, summary: .reportLossReasonsSummary, report: "loss_reasons",
        columns: [
            C("loss_reason", .colLossReason), C("lost_at_stage", .colLostAtStage), C("responsible", .responsible),
            C("deals", .dealsCount, .integer), C("amount", .amount, .money),
        ],
        chart: ReportCharts.lossReasons)

    static let abcXYZ = CatalogReport(
        slug: "abc-xyz", title: .reportABCXYZ, summary: .reportABCXYZSummary, report: "abc_xyz",
        columns: [
            C("client", .client), C("revenue", .colRevenue, .money), C("share", .colShare, .percent),
            C("cumulative_share", .colCumulativeShare, .percent), C("abc", .colABC), C("mean_monthly", .colMeanMonthly, .money),
            C("cv", .colCV, .percent), C("xyz", .colXYZ), C("cell", .colCell),
        ],
        chart: ReportCharts.abcXYZMatrix)

    static let topManagers = CatalogReport(
        slug: "top-managers", title: .reportTopManagers, summary: .reportTopManagersSummary, report: "top_managers",
        columns: [
            C("rank", .colRank, .integer), C("responsible", .responsible), C("paid", .colPaid, .money),
            C("payments", .colPayments, .integer), C("invoices", .colInvoices, .integer), C("deals", .dealsCount, .integer),
            C("clients", .colClients, .integer),
        ],
        chart: ReportCharts.moneyBars(label: { row, data in data.value(row, "responsible") ?? "—" }, value: "paid", title: .colPaid))

    static let managerKPI = CatalogReport(
        slug: "manager-kpi", title: .reportManagerKPI, summary: .reportManagerKPISummary, report: "manager_kpi",
        columns: [
            C("rank", .colRank, .integer), C("responsible", .responsible), C("won_deals", .colWonDeals, .integer),
            C("lost_deals", .colLostDeals, .integer), C("revenue", .colRevenue, .money), C("conversion", .conversion, .percent),
            C("average_deal", .colAverageDeal, .money), C("overdue_tasks", .colOverdueTasks, .integer),
            C("interactions_per_week", .colInteractionsPerWeek, .decimal), C("score", .colScore, .decimal),
        ],
        chart: ReportCharts.kpiScore)

    private static let debtColumns = [
        C("client", .client), C("counterparty", .colCounterparty),
        C("invoices", .colInvoices, .integer), C("outstanding", .colOutstanding, .money), C("not_due", .colNotDue, .money),
        C("overdue_1_30", .colOverdue1to30, .money), C("overdue_31_60", .colOverdue31to60, .money),
        C("overdue_61_90", .colOverdue61to90, .money), C("overdue_over_90", .colOverdueOver90, .money),
        C("max_days_overdue", .colMaxDaysOverdue, .integer),
    ]

    static let receivables = CatalogReport(
        slug: "debts", title: .reportReceivables, summary: .reportReceivablesSummary, report: "receivables",
        columns: debtColumns, chart: ReportCharts.ageing)

    static let payables = CatalogReport(
        slug: "payables", title: .reportPayables, summary: .reportPayablesSummary, report: "payables",
        columns: debtColumns, chart: ReportCharts.ageing)

    static let grossProfitClients = CatalogReport(
        slug: "gross-profit", title: .reportGrossProfit, summary: .reportGrossProfitSummary, report: "gross_profit_clients",
        columns: [
            C("client", .client), C("deals", .dealsCount, .integer), C("invoiced", .colInvoiced, .money),
            C("revenue", .colRevenue, .money), C("cost", .colCost, .money), C("gross_profit", .colGrossProfit, .money),
            C("margin", .colMargin, .percent),
        ],
        chart: ReportCharts.moneyBars(
            label: { row, data in data.value(row, "client") ?? "—" }, value: "gross_profit", title: .colGrossProfit))

    static let staleDeals = CatalogReport(
        slug: "stale-deals", title: .reportStaleDeals, summary: .reportStaleDealsSummary, report: "stale_deals",
        columns: [
            C("title", .deal), C("stage", .stage), C("client", .client), C("responsible", .responsible),
            C("amount", .amount, .money), C("last_activity_at", .colLastActivity, .timestamp), C("days_idle", .colDaysIdle, .integer),
        ])

    static let sources = CatalogReport(
        slug: "sources", title: .reportSources, summary: .reportSourcesSummary, report: "source_effectiveness",
        columns: [
            C("source", .colSource), C("marketing_event", .colMarketingEvent), C("utm_source", .colUTMSource),
            C("utm_medium", .colUTMMedium), C("utm_campaign", .colUTMCampaign),
            C("leads", .colLeads, .integer), C("clients", .colClients, .integer), C("won", .colWonDeals, .integer),
            C("won_amount", .colWonAmount, .money), C("revenue", .colRevenue, .money), C("conversion", .conversion, .percent),
            C("budget", .colBudget, .money), C("cost_per_lead", .colCostPerLead, .money),
            C("return_on_budget", .colReturnOnBudget, .percent),
        ],
        chart: ReportCharts.moneyBars(
            label: { row, data in
                data.value(row, "source") ?? data.value(row, "marketing_event") ?? data.value(row, "utm_campaign") ?? data.value(
                    row, "utm_source") ?? "—"
            }, value: "revenue", title: .colRevenue),
        visible: { parameters, column in
            // Each grouping fills its own columns; budgets belong to marketing events.
            switch parameters["group"] ?? "source" {
            case "utm": !["source", "marketing_event", "budget", "cost_per_lead", "return_on_budget"].contains(column.name)
            case "event": !["source", "utm_source", "utm_medium", "utm_campaign"].contains(column.name)
            default:
                !["marketing_event", "utm_source", "utm_medium", "utm_campaign", "budget", "cost_per_lead", "return_on_budget"].contains(
                    column.name)
            }
        })

    static let purchases = CatalogReport(
        slug: "purchases", title: .reportPurchases, summary: .reportPurchasesSummary, report: "purchases",
        columns: [
            C("month", .colMonth, .month), C("category", .colCategory), C("supplier", .colSupplier), C("purchaser", .colPurchaser),
            C("deals", .dealsCount, .integer), C("invoices", .colInvoices, .integer),
            C("invoiced", .colInvoiced, .money), C("paid", .colPaid, .money), C("outstanding", .colOutstanding, .money),
        ])

    static let bcg = CatalogReport(
        slug: "bcg", title: .reportBCG, summary: .reportBCGSummary, report: "bcg_matrix",
        columns: [
            C("client", .client), C("revenue", .colRevenue, .money),
            C("previous_revenue", .colPreviousRevenue, .money), C("growth", .colGrowth, .percentOr(.growthNew)),
            C("relative_share", .colRelativeShare, .decimal), C("quadrant", .colQuadrant, .code(ReportCharts.quadrantKeys)),
        ],
        chart: ReportCharts.bcg)

    static let pages: [CatalogReport] = [
        lossReasons, abcXYZ, topManagers, managerKPI, receivables, payables, grossProfitClients, staleDeals, sources, purchases, bcg,
    ]
}

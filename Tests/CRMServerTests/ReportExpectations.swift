import Foundation

/// Expected report rows computed from `ReportCompany` in Swift (decimals as Foundation
/// `Decimal`, rounded like PostgreSQL's `round`: half away from zero).
enum ReportExpectations {
    typealias Company = ReportCompany

    static func round(_ value: Decimal, _ scale: Int) -> Decimal {
        var input = value < 0 ? -value : value
        var output = Decimal()
        NSDecimalRound(&output, &input, scale, .plain)
        return value < 0 ? -output : output
    }

    static func inPeriod(_ day: String, _ from: String, _ to: String) -> Bool { day >= from && day <= to }

    struct Money: Hashable {
        let key: String
        let currency: String
    }

    /// Money received per client and currency in the period (sales payments).
    static func revenue(_ login: String, _ from: String, _ to: String) -> [Money: Decimal] {
        var out: [Money: Decimal] = [:]
        for deal in Company.visible(login) {
            for invoice in deal.invoices {
                for payment in invoice.payments where inPeriod(payment.on, from, to) {
                    out[Money(key: deal.client, currency: deal.currency), default: 0] += payment.amount
                }
            }
        }
        return out
    }

    struct ABCRow: Equatable {
        let client: String
        let currency: String
        let revenue: Decimal
        let abc: String
        let xyz: String
    }

    static func abcXYZ(_ login: String, from: String, to: String, months: [String]) -> [ABCRow] {
        let totals = revenue(login, from, to).filter { $0.value > 0 }
        var out: [ABCRow] = []
        for currency in Set(totals.keys.map(\.currency)).sorted() {
            let rows = totals.filter { $0.key.currency == currency }.sorted { $0.value > $1.value }
            let total = rows.reduce(Decimal(0)) { $0 + $1.value }
            var before = Decimal(0)
            for (key, value) in rows {
                let abc = before < total * Decimal(string: "0.80")! ? "A" : before < total * Decimal(string: "0.95")! ? "B" : "C"
                before += value
                let monthly = months.map { month -> Double in
                    let sum = Company.visible(login).filter { $0.client == key.key && $0.currency == currency }
                        .flatMap(\.invoices).flatMap(\.payments).filter { $0.on.hasPrefix(month) }
                        .reduce(Decimal(0)) { $0 + $1.amount }
                    return NSDecimalNumber(decimal: sum).doubleValue
                }
                let mean = monthly.reduce(0, +) / Double(monthly.count)
                let sd = (monthly.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(monthly.count)).squareRoot()
                let cv = sd / mean
                out.append(
                    ABCRow(
                        client: key.key, currency: currency, revenue: value, abc: abc,
                        xyz: cv <= 0.10 ? "X" : cv <= 0.25 ? "Y" : "Z"))
            }
        }
        return out
    }

    struct DebtRow: Equatable {
        let client: String
        let counterparty: String
        let currency: String
        let outstanding: Decimal
        let buckets: [Decimal]  // not due, 1–30, 31–60, 61–90, > 90
    }

    static func days(_ from: String, _ to: String) -> Int {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let a = formatter.date(from: from)!, b = formatter.date(from: to)!
        return Int((b.timeIntervalSince(a) / 86400).rounded())
    }

    static func receivables(_ login: String, asOf: String) -> [DebtRow] {
        var rows: [String: DebtRow] = [:]
        for deal in Company.visible(login) {
            for invoice in deal.invoices where invoice.issued <= asOf {
                let paid = invoice.payments.filter { $0.on <= asOf }.reduce(Decimal(0)) { $0 + $1.amount }
                let outstanding = invoice.amount - paid
                guard outstanding > 0 else { continue }
                let overdue = days(invoice.due, asOf)
                let bucket = overdue <= 0 ? 0 : overdue <= 30 ? 1 : overdue <= 60 ? 2 : overdue <= 90 ? 3 : 4
                let key = invoice.counterparty + deal.currency
                var buckets = rows[key]?.buckets ?? [0, 0, 0, 0, 0]
                buckets[bucket] += outstanding
                rows[key] = DebtRow(
                    client: deal.client, counterparty: invoice.counterparty, currency: deal.currency,
                    outstanding: (rows[key]?.outstanding ?? 0) + outstanding, buckets: buckets)
            }
        }
        return rows.values.sorted { ($0.currency, $0.counterparty) < ($1.currency, $1.counterparty) }
    }

    struct FunnelRow: Equatable {
        let code: String
        let currency: String
        let deals: Int
        let amount: Decimal
        let reached: Int
        let won: Int
    }

    /// Deals created in the period; reached = the furthest non-lost stage reached ≥ the stage.
    static func funnel(_ login: String, from: String, to: String) -> [FunnelRow] {
        let cohort = Company.visible(login).filter { inPeriod($0.created, from, to) }
        var out: [FunnelRow] = []
        for currency in Set(cohort.map(\.currency)).sorted() {
            let deals = cohort.filter { $0.currency == currency }
            for (index, code) in Company.stages.enumerated() {
                let position = index + 1
                func current(_ d: ReportCompany.Deal) -> String { d.moves.last ?? "new" }
                func furthest(_ d: ReportCompany.Deal) -> Int {
                    (["new"] + d.moves).filter { $0 != "lost" }.map { Company.stages.firstIndex(of: $0)! + 1 }.max()!
                }
                let here = deals.filter { current($0) == code }
                let reached = code == "lost" ? here.count : deals.filter { furthest($0) >= position }.count
                let won = code == "lost" ? 0 : deals.filter { furthest($0) >= position && current($0) == "won" }.count
                out.append(
                    FunnelRow(
                        code: code, currency: currency, deals: here.count,
                        amount: here.reduce(Decimal(0)) { $0 + $1.amount }, reached: reached, won: won))
            }
        }
        return out
    }

    struct ProfitRow: Equatable {
        let deal: String
        let currency: String
        let revenue: Decimal
        let cost: Decimal
        let profit: Decimal
    }

    static func grossProfit(_ login: String, from: String, to: String) -> [ProfitRow] {
        Company.visible(login).filter { $0.moves.last == "won" && inPeriod($0.closed!, from, to) }.map { deal in
            let revenue = deal.invoices.flatMap(\.payments).reduce(Decimal(0)) { $0 + $1.amount }
            let cost = deal.lines.reduce(Decimal(0)) { $0 + round($1.quantity * $1.cost, 2) }
            return ProfitRow(deal: deal.key, currency: deal.currency, revenue: revenue, cost: cost, profit: revenue - cost)
        }.sorted { ($0.currency, $0.deal) < ($1.currency, $1.deal) }
    }

    struct TopRow: Equatable {
        let manager: String
        let currency: String
        let paid: Decimal
    }

    static func topManagers(_ login: String, from: String, to: String) -> [TopRow] {
        var sums: [Money: Decimal] = [:]
        for deal in Company.visible(login) {
            for payment in deal.invoices.flatMap(\.payments) where inPeriod(payment.on, from, to) {
                sums[Money(key: deal.owner, currency: deal.currency), default: 0] += payment.amount
            }
        }
        return sums.map { TopRow(manager: $0.key.key, currency: $0.key.currency, paid: $0.value) }
            .sorted { ($0.currency, $0.manager) < ($1.currency, $1.manager) }
    }

    struct LossRow: Equatable {
        let reason: String
        let stage: String
        let currency: String
        let deals: Int
        let amount: Decimal
    }

    static func losses(_ login: String, from: String, to: String) -> [LossRow] {
        var out: [String: LossRow] = [:]
        for deal in Company.visible(login) where deal.moves.last == "lost" && inPeriod(deal.closed!, from, to) {
            let before = (["new"] + deal.moves).dropLast().last!
            let key = deal.lossReason! + before + deal.currency
            out[key] = LossRow(
                reason: deal.lossReason!, stage: before, currency: deal.currency,
                deals: (out[key]?.deals ?? 0) + 1, amount: (out[key]?.amount ?? 0) + deal.amount)
        }
        return out.values.sorted { ($0.reason, $0.stage) < ($1.reason, $1.stage) }
    }
}

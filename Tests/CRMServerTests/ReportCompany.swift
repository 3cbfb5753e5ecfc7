import Foundation

/// The company the report tests build (on top of the demo company's users, departments and
/// territories) and the expected report numbers, computed here from these rows in Swift, not
/// with the reports' SQL. Edge cases: a client that changed legal entity mid-year (Альфа), a
/// partly paid invoice (Бета, Дельта), a deal moved back a stage (D2), a month without revenue
/// (Дельта, June), a deal in dollars (D4), and users who see only part of the rows.
struct ReportCompany {
    struct Counterparty {
        let name: String
        let inn: String
        let from: String
        let to: String?
    }
    struct Client {
        let name: String
        let territory: String
        let owner: String
        let counterparties: [Counterparty]
    }
    struct Payment {
        let on: String
        let amount: Decimal
    }
    struct Invoice {
        let number: String
        let counterparty: String
        let issued: String
        let due: String
        let amount: Decimal
        let payments: [Payment]
    }
    struct Line {
        let quantity: Decimal
        let price: Decimal
        let cost: Decimal
    }
    struct Deal {
        let key: String
        let client: String
        let owner: String
        let currency: String
        let amount: Decimal
        /// The stage codes it is moved through after «new», in order (back moves included).
        let moves: [String]
        let lossReason: String?
        let created: String
        let closed: String?
        let lines: [Line]
        let invoices: [Invoice]
        var source: String? = nil
        var event: String? = nil
    }

    static let clients: [Client] = [
        Client(
            name: "ООО «Альфа»", territory: "Moscow", owner: "manager.msk",
            counterparties: [
                Counterparty(name: "ООО «Альфа-Старая»", inn: "7701000178", from: "2025-01-01", to: "2025-06-30"),
                Counterparty(name: "ООО «Альфа-Новая»", inn: "7801000100", from: "2025-07-01", to: nil),
            ]),
        Client(
            name: "ООО «Бета»", territory: "Tula", owner: "manager.msk",
            counterparties: [
                Counterparty(name: "ООО «Бета»", inn: "7801000125", from: "2025-01-01", to: nil)
            ]),
        Client(
            name: "АО «Гамма»", territory: "Tula", owner: "manager.spb",
            counterparties: [
                Counterparty(name: "АО «Гамма»", inn: "7801000220", from: "2025-01-01", to: nil)
            ]),
        Client(
            name: "ООО «Дельта»", territory: "Moscow", owner: "head.msk",
            counterparties: [
                Counterparty(name: "ООО «Дельта»", inn: "7701000153", from: "2025-01-01", to: nil)
            ]),
        Client(
            name: "ООО «Эпсилон»", territory: "St Petersburg", owner: "manager.spb",
            counterparties: [
                Counterparty(name: "ООО «Эпсилон»", inn: "7701000273", from: "2025-01-01", to: nil)
            ]),
    ]

    static let deals: [Deal] = [
        Deal(
            key: "D1", client: "ООО «Альфа»", owner: "manager.msk", currency: "RUB", amount: 100000,
            moves: ["qualification", "proposal", "negotiation", "won"], lossReason: nil, created: "2025-02-01", closed: "2025-08-20",
            lines: [Line(quantity: 10, price: 10000, cost: Decimal(string: "6000.50")!)],
            invoices: [
                Invoice(
                    number: "R-1", counterparty: "ООО «Альфа-Старая»", issued: "2025-03-10", due: "2025-03-20",
                    amount: 60000, payments: [Payment(on: "2025-03-20", amount: 60000)]),
                Invoice(
                    number: "R-2", counterparty: "ООО «Альфа-Новая»", issued: "2025-08-05", due: "2025-08-15",
                    amount: 40000, payments: [Payment(on: "2025-08-15", amount: 40000)]),
            ],
            source: "Сайт", event: "Выставка 2025"),
        Deal(
            key: "D2", client: "ООО «Бета»", owner: "manager.msk", currency: "RUB", amount: 50000,
            moves: ["qualification", "proposal", "qualification"], lossReason: nil, created: "2025-03-01", closed: nil,
            lines: [],
            invoices: [
                Invoice(
                    number: "R-3", counterparty: "ООО «Бета»", issued: "2025-09-01", due: "2025-09-15",
                    amount: 50000, payments: [Payment(on: "2025-09-10", amount: 20000)])
            ],
            source: "Сайт"),
        Deal(
            key: "D3", client: "АО «Гамма»", owner: "manager.spb", currency: "RUB", amount: 70000,
            moves: ["proposal", "won"], lossReason: nil, created: "2025-04-01", closed: "2025-05-06",
            lines: [Line(quantity: 7, price: 10000, cost: Decimal(string: "5000.25")!)],
            invoices: [
                Invoice(
                    number: "R-4", counterparty: "АО «Гамма»", issued: "2025-05-01", due: "2025-05-10",
                    amount: 70000, payments: [Payment(on: "2025-05-05", amount: 70000)])
            ]),
        Deal(
            key: "D4", client: "ООО «Альфа»", owner: "manager.msk", currency: "USD", amount: 1000,
            moves: ["proposal", "won"], lossReason: nil, created: "2025-04-01", closed: "2025-04-15",
            lines: [Line(quantity: 1, price: 1000, cost: Decimal(string: "600.10")!)],
            invoices: [
                Invoice(
                    number: "U-1", counterparty: "ООО «Альфа-Старая»", issued: "2025-04-05", due: "2025-04-10",
                    amount: 1000, payments: [Payment(on: "2025-04-10", amount: 1000)])
            ]),
        Deal(
            key: "D5", client: "ООО «Бета»", owner: "manager.msk", currency: "RUB", amount: 30000,
            moves: ["proposal", "lost"], lossReason: "Дорого", created: "2025-05-01", closed: "2025-10-01",
            lines: [], invoices: []),
        Deal(
            key: "D6", client: "ООО «Дельта»", owner: "head.msk", currency: "RUB", amount: 120000,
            moves: ["proposal"], lossReason: nil, created: "2025-01-03", closed: nil, lines: [],
            invoices: [
                Invoice(
                    number: "R-5", counterparty: "ООО «Дельта»", issued: "2025-01-05", due: "2025-12-20",
                    amount: 120000,
                    payments: [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12].map {
                        Payment(on: String(format: "2025-%02d-15", $0), amount: 10000)
                    })
            ]),
        Deal(
            key: "D7", client: "ООО «Эпсилон»", owner: "manager.spb", currency: "RUB", amount: 5000,
            moves: ["qualification"], lossReason: nil, created: "2025-11-20", closed: nil, lines: [],
            invoices: [
                Invoice(
                    number: "R-6", counterparty: "ООО «Эпсилон»", issued: "2025-12-01", due: "2026-01-10",
                    amount: 5000, payments: [])
            ]),
        Deal(
            key: "D8", client: "ООО «Эпсилон»", owner: "manager.spb", currency: "RUB", amount: 15000,
            moves: ["lost"], lossReason: "Нет бюджета", created: "2025-06-01", closed: "2025-06-20", lines: [], invoices: []),
    ]

    /// The stage codes of the default pipeline by position.
    static let stages = ["new", "qualification", "proposal", "negotiation", "won", "lost"]

    // MARK: who sees what (the demo roles: director all; manager.msk read territory = Central
    // (Moscow, Tula) plus its department; head.msk read department = Moscow sales)

    static let moscowSales: Set<String> = ["manager.msk", "head.msk", "junior.msk"]

    static func sees(_ login: String, _ deal: Deal) -> Bool {
        let client = clients.first { $0.name == deal.client }!
        switch login {
        case "director": return true
        case "manager.msk": return moscowSales.contains(deal.owner) || ["Moscow", "Tula"].contains(client.territory)
        case "head.msk": return moscowSales.contains(deal.owner)
        default: return false
        }
    }

    static func visible(_ login: String) -> [Deal] { deals.filter { sees(login, $0) } }

    // MARK: the SQL that makes the company (as the owner)

    static func sql(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    static var setupSQL: [String] {
        var out: [String] = []
        out.append(
            "insert into crm.marketing_events (name, starts_on, ends_on, budget, currency) values ('Выставка 2025', '2025-01-01', '2025-12-31', 50000.00, 'RUB')"
        )
        for client in clients {
            out.append(
                """
                insert into crm.clients (name, owner_id, territory_id)
                values (\(sql(client.name)), (select id from crm.users where login = \(sql(client.owner))),
                        (select id from crm.territories where name = \(sql(client.territory))))
                """)
            for c in client.counterparties {
                out.append(
                    """
                    insert into crm.counterparties (client_id, legal_name, inn, valid_from, valid_to)
                    values ((select id from crm.clients where name = \(sql(client.name))), \(sql(c.name)), \(sql(c.inn)),
                            \(sql(c.from)), \(c.to.map(sql) ?? "null"))
                    """)
            }
        }
        out.append("insert into crm.products (name, cost_price) values ('Товар для отчётов', 1.00)")
        for deal in deals {
            let id = "(select id from crm.deals where title = \(sql(deal.key)))"
            out.append(
                """
                insert into crm.deals (title, client_id, owner_id, currency, amount, created_at, source_id, marketing_event_id)
                values (\(sql(deal.key)), (select id from crm.clients where name = \(sql(deal.client))),
                        (select id from crm.users where login = \(sql(deal.owner))), \(sql(deal.currency)), \(deal.amount),
                        \(sql(deal.created + " 12:00:00+00")),
                        \(deal.source.map { "(select id from crm.sources where name = \(sql($0)))" } ?? "null"),
                        \(deal.event.map { "(select id from crm.marketing_events where name = \(sql($0)))" } ?? "null"))
                """)
            for line in deal.lines {
                out.append(
                    """
                    insert into crm.deal_lines (deal_id, product_id, quantity, price, cost_price)
                    values (\(id), (select id from crm.products where name = 'Товар для отчётов'), \(line.quantity), \(line.price), \(line.cost))
                    """)
            }
            for invoice in deal.invoices {
                out.append(
                    """
                    insert into crm.invoices (deal_id, counterparty_id, number, issued_on, due_on, amount, currency)
                    values (\(id), (select id from crm.counterparties where legal_name = \(sql(invoice.counterparty))),
                            \(sql(invoice.number)), \(sql(invoice.issued)), \(sql(invoice.due)), \(invoice.amount), \(sql(deal.currency)))
                    """)
                for payment in invoice.payments {
                    out.append(
                        """
                        insert into crm.payments (invoice_id, amount, paid_on)
                        values ((select id from crm.invoices where number = \(sql(invoice.number))), \(payment.amount), \(sql(payment.on)))
                        """)
                }
            }
            // Moves, a day apart from the creation on, then the history and dates put in 2025.
            for (index, code) in deal.moves.enumerated() {
                let reason =
                    code == "lost" ? ", loss_reason_id = (select id from crm.loss_reasons where name = \(sql(deal.lossReason!)))" : ""
                out.append("update crm.deals set stage_id = crm_private.default_stage(\(sql(code)))\(reason) where id = \(id)")
                _ = index
            }
            out.append(
                """
                with h as (select id, row_number() over (order by id) - 1 as n from crm.deal_stage_history where deal_id = \(id))
                update crm.deal_stage_history x
                   set entered_at = \(sql(deal.created + " 12:00:00+00"))::timestamptz + h.n * interval '1 day',
                       left_at = case when x.left_at is not null
                                      then \(sql(deal.created + " 12:00:00+00"))::timestamptz + (h.n + 1) * interval '1 day' end
                  from h where h.id = x.id
                """)
            out.append(
                """
                update crm.deals set stage_entered_at = (select max(entered_at) from crm.deal_stage_history where deal_id = \(id)),
                       closed_at = \(deal.closed.map { sql($0 + " 12:00:00+00") } ?? "null") where id = \(id)
                """)
        }
        return out
    }
}

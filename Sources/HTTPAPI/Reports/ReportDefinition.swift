import PostgresClient

/// A report served at `GET /api/v1/reports/{name}`: its parameters, its columns and the
/// `reports.*` set-returning function that computes it (under the caller's row rules).
struct ReportDefinition: Sendable {
    let name: String
    let title: String
    let summary: String
    /// The `reports` view a BI tool reads for the same figures.
    let view: String
    let parameters: [ReportParameter]
    let columns: [ReportColumn]
    /// The function call, its arguments written as `p."<parameter>"` (the resolved parameters).
    let call: String

    /// `with p as (select coalesce($1::date, <default>) as "from", …)`: the parameters bound in
    /// order, each defaulted by the catalog's SQL.
    func parametersCTE(_ values: [String: String]) -> PostgresQuery {
        var sql = "with p as (select "
        var bindings: [PostgresBinding] = []
        for (index, parameter) in parameters.enumerated() {
            if index > 0 { sql += ", " }
            bindings.append(PostgresBinding(text: values[parameter.name], type: .text))
            sql += "coalesce($\(bindings.count)::text::\(parameter.sqlType), \(parameter.defaultSQL))"
            sql += " as \(PostgresQuery.quoteIdentifier(parameter.name))"
        }
        if parameters.isEmpty { sql += "1 as none" }
        sql += ") "
        return PostgresQuery(sql: sql, bindings: bindings)
    }

    /// One statement answering one page of rows: `{"parameters": {…resolved…}, "rows": [...]}` as
    /// JSON text (decimals as strings so money stays exact), and whether more rows follow.
    func jsonQuery(_ values: [String: String], page: ReportPage = ReportPage()) -> PostgresQuery {
        let cte = parametersCTE(values)
        let fields = columns.map { column in
            let value = "t.\(PostgresQuery.quoteIdentifier(column.name))"
            return "'\(column.name)', " + (column.kind.isDecimal ? "\(value)::text" : value)
        }
        let parameterFields = parameters.map { "'\($0.name)', p.\(PostgresQuery.quoteIdentifier($0.name))" }
        var bindings = cte.bindings
        bindings.append(PostgresBinding(text: String(page.after), type: .int8))
        let after = "$\(bindings.count)::int8"
        bindings.append(PostgresBinding(text: String(page.size), type: .int8))
        let size = "$\(bindings.count)::int8"
        // One more row than the page holds tells whether another page follows.
        let sql =
            cte.sql + """
                , page as materialized (
                    select t.* from p, \(call) with ordinality t
                     where t.ordinality > \(after) order by t.ordinality limit \(size) + 1)
                select json_build_object('parameters', (select json_build_object(\(parameterFields.joined(separator: ", "))) from p),
                       'rows', (select coalesce(json_agg(json_build_object(\(fields.joined(separator: ", "))) order by t.ordinality), '[]')
                                  from page t where t.ordinality <= \(after) + \(size)))::text,
                       exists (select 1 from page t where t.ordinality > \(after) + \(size))
                """
        return PostgresQuery(sql: sql, bindings: bindings)
    }

    /// `declare <cursor> … for select <columns as text> …`, for streaming the rows in order.
    func cursorQuery(_ values: [String: String], cursor: String) -> PostgresQuery {
        let cte = parametersCTE(values)
        let list = columns.map { "t.\(PostgresQuery.quoteIdentifier($0.name))::text" }.joined(separator: ", ")
        let sql =
            "declare \(cursor) no scroll cursor for " + cte.sql
            + "select \(list) from p, \(call) with ordinality t order by t.ordinality"
        return PostgresQuery(sql: sql, bindings: cte.bindings)
    }
}

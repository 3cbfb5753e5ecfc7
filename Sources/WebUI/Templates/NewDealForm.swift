/// «Новая сделка» in two steps: the button opens the form (title first), save creates the deal
/// through the API in the pipeline's first stage; the client is found by name while typing.
enum NewDealForm {
    static let currencies = ["RUB", "USD", "EUR", "CNY"]

    /// On the board (`clientID` nil: the client is searched) or on a client card (`pipelineID`
    /// nil: the default pipeline).
    static func render(_ page: PageContext, pipelineID: Int64?, clientID: Int64?) -> HTML {
        let t = page.texts
        let pipeline: HTML =
            pipelineID.map { "<input type=\"hidden\" name=\"pipeline_id\" data-type=\"number\" value=\"\($0)\">" } ?? .empty
        let client: HTML =
            clientID.map { "<input type=\"hidden\" name=\"client_id\" data-type=\"number\" value=\"\($0)\">" } ?? """
                <div class="row">
                  <label>\(t[.clientFind])<input data-client-search="new-deal-client" autocomplete="off" placeholder="\(t[.clientFindPlaceholder])" id="new-deal-client-search"></label>
                  <label>\(t[.client])<select name="client_id" data-type="number" id="new-deal-client"><option value="">\(t[.noClient])</option></select></label>
                </div>
                """
        let currencies = Self.currencies.map { "<option value=\"\($0)\">\($0)</option>" as HTML }
        return """
            <details class="quick\(clientID == nil ? " card" : "")" id="new-deal">
              <summary class="button primary" id="new-deal-button">\(Icons.plus) \(t[.newDeal])</summary>
              <form class="form" data-api="/api/v1/deals" data-method="POST" id="new-deal-form">
                \(pipeline)
                <label>\(t[.dealTitle])<input name="title" data-type="string" required maxlength="300" id="new-deal-title"></label>
                \(client)
                <div class="row">
                  <label>\(t[.amount])<input name="amount" data-type="money" inputmode="decimal" pattern="[0-9  ]*([.,][0-9]{1,2})?" placeholder="0,00" id="new-deal-amount"></label>
                  <label>\(t[.fieldCurrency])<select name="currency" data-type="string">\(currencies)</select></label>
                </div>
                <div class="actions"><button type="submit" class="primary" id="new-deal-save">\(t[.save])</button></div>
              </form>
            </details>
            """
    }
}

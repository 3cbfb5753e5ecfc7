/// A parsed template: literal HTML, printed fields, loops over lists and conditions.
public indirect enum TemplateNode: Sendable, Equatable {
    case literal(String)
    /// `{{ path }}` or `{{ path | filter }}` on `line`.
    case field(path: String, filter: String?, type: TemplateFieldType, line: Int)
    /// `{{#each list}} … {{/each}}`: the body once per row, the row named `item`.
    case each(list: String, item: String, body: [TemplateNode])
    /// `{{#if path}} … {{else}} … {{/if}}`.
    case conditional(path: String, then: [TemplateNode], otherwise: [TemplateNode])
}

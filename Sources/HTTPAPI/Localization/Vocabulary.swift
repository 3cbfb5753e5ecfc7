/// The words that messages carry as values — entities, statuses, JSON types, connectives —
/// in each language.
enum Vocabulary {
    private static let russian: [String: String] = [
        // Entities (a resource's singular name).
        "deal": "сделка", "deal line": "строка сделки", "client": "клиент", "contact": "контакт",
        "counterparty": "контрагент", "product": "товар", "invoice": "счёт", "payment": "платёж",
        "task": "задача", "interaction": "контакт с клиентом", "approval": "согласование", "file": "файл",
        "pipeline": "воронка", "stage": "этап", "source": "источник", "loss reason": "причина проигрыша",
        "custom field": "дополнительное поле", "deal kind": "вид сделки", "product category": "категория товаров",
        "notification": "уведомление", "saved filter": "сохранённый фильтр", "webhook": "вебхук",
        "integration": "интеграция", "user": "пользователь", "marketing event": "маркетинговое мероприятие",
        "currency": "валюта", "kpi weight": "вес показателя", "token": "токен", "report": "отчёт",
        "stage exit condition": "условие выхода с этапа", "stage rule": "правило этапа",
        "stage transition": "переход между этапами", "approval step": "шаг согласования",
        "stage history entry": "запись истории этапов", "KPI weight": "вес показателя KPI", "task template": "шаблон задачи",
        "exit condition": "условие выхода с этапа", "webhook subscription": "подписка на вебхук",
        "company profile": "реквизиты компании", "document template": "шаблон документа", "template version": "версия шаблона",
        "document": "документ", "email": "письмо",
        // Statuses.
        "approved": "согласовано", "rejected": "отклонено", "waiting": "ожидает очереди", "pending": "ожидает решения",
        "cancelled": "отменено",
        // JSON types.
        "object": "объект", "array": "массив", "string": "строка", "number": "число", "boolean": "логическое значение",
        "null": "null",
        // Call directions.
        "missed": "пропущенный", "inbound": "входящий", "outbound": "исходящий",
        // Connectives of lists ("«A» or «B»", "a or b").
        "or": "или", "and": "и",
    ]

    /// `word` in `language` (as it is when the vocabulary does not know it).
    static func word(_ word: String, in language: MessageLanguage) -> String {
        guard language == .ru else { return word }
        return russian[word] ?? word
    }

    /// `text` with each known word standing alone, in parentheses or between list separators
    /// translated (`«a» (rejected), «b» (waiting)`; `a or b`) and field keys as their labels (in
    /// English too), the rest (names, «quoted» titles) kept.
    static func words(in text: String, language: MessageLanguage) -> String {
        var out = ""
        var word = ""
        var quoted = 0
        func flush() {
            let translated = language == .ru ? russian[word] : nil
            out += quoted == 0 ? (translated ?? FieldLabels.known(word, in: language) ?? word) : word
            word = ""
        }
        for character in text {
            if character == "«" {
                flush()
                quoted += 1
                out.append(character)
                continue
            }
            if character == "»" {
                flush()
                quoted = max(0, quoted - 1)
                out.append(character)
                continue
            }
            if character.isLetter || character == "_" || character.isNumber {
                word.append(character)
                continue
            }
            flush()
            out.append(character)
        }
        flush()
        return out
    }
}

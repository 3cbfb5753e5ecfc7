/// What a field is called for a person, in each language: `invoice_number` is «Номер счёта».
/// Error answers name fields by these labels (custom fields by their own label); the JSON
/// key stays in `field` for programs.
enum FieldLabels {
    /// key → (Russian, English).
    static let labels: [String: (ru: String, en: String)] = [
        "(body)": ("тело запроса", "request body"), "(row)": ("запись", "record"), "(request)": ("запрос", "request"),
        "(empty parameter name)": ("(пустое имя параметра)", "(empty parameter name)"),
        "id": ("Номер", "ID"), "version": ("Версия", "Version"), "created_at": ("Создано", "Created"),
        "updated_at": ("Изменено", "Updated"), "created_by": ("Кто создал", "Created by"),
        "title": ("Название", "Title"), "name": ("Наименование", "Name"), "legal_name": ("Полное наименование", "Legal name"),
        "description": ("Описание", "Description"), "summary": ("Содержание", "Summary"), "notes": ("Примечание", "Notes"),
        "comment": ("Комментарий", "Comment"), "label": ("Подпись", "Label"), "key": ("Ключ", "Key"), "code": ("Код", "Code"),
        "pipeline_id": ("Воронка", "Pipeline"), "stage_id": ("Этап", "Stage"), "kind_id": ("Вид сделки", "Deal kind"),
        "client_id": ("Клиент", "Client"), "counterparty_id": ("Контрагент", "Counterparty"), "contact_id": ("Контакт", "Contact"),
        "deal_id": ("Сделка", "Deal"), "product_id": ("Товар", "Product"), "invoice_id": ("Счёт", "Invoice"),
        "task_id": ("Задача", "Task"), "category_id": ("Категория", "Category"), "parent_id": ("Родитель", "Parent"),
        "source_id": ("Источник", "Source"), "marketing_event_id": ("Маркетинговое мероприятие", "Marketing event"),
        "loss_reason_id": ("Причина проигрыша", "Loss reason"), "loss_comment": ("Комментарий к проигрышу", "Loss comment"),
        "template_id": ("Шаблон", "Template"), "user_id": ("Пользователь", "User"),
        "from_stage_id": ("С этапа", "From stage"), "to_stage_id": ("На этап", "To stage"),
        "reject_stage_id": ("Этап при отклонении", "Stage on reject"),
        "amount": ("Сумма", "Amount"), "currency": ("Валюта", "Currency"), "probability": ("Вероятность", "Probability"),
        "price": ("Цена", "Price"), "cost_price": ("Себестоимость", "Cost price"), "cost_amount": ("Сумма себестоимости", "Cost amount"),
        "quantity": ("Количество", "Quantity"), "unit": ("Единица измерения", "Unit"), "stock": ("Остаток", "Stock"),
        "article": ("Артикул", "Article"), "budget": ("Бюджет", "Budget"), "weight": ("Вес", "Weight"), "metric": ("Показатель", "Metric"),
        "paid_amount": ("Оплачено", "Paid"), "overpaid_amount": ("Переплата", "Overpaid"), "paid_on": ("Дата оплаты", "Paid on"),
        "issued_on": ("Дата счёта", "Issued on"), "due_on": ("Оплатить до", "Due on"), "number": ("Номер", "Number"),
        "status": ("Статус", "Status"), "reference": ("Основание", "Reference"),
        "utm_source": ("UTM source", "UTM source"), "utm_medium": ("UTM medium", "UTM medium"),
        "utm_campaign": ("UTM campaign", "UTM campaign"), "utm": ("UTM-метки", "UTM tags"),
        "owner_id": ("Владелец", "Owner"), "responsible_id": ("Ответственный", "Responsible"),
        "department_id": ("Отдел", "Department"), "territory_id": ("Территория", "Territory"),
        "territory_ids": ("Территории", "Territories"), "department": ("Отдел", "Department"),
        "expected_close_date": ("Ожидаемая дата закрытия", "Expected close date"),
        "custom_fields": ("Дополнительные поля", "Custom fields"),
        "stage_entered_at": ("На этапе с", "In stage since"), "closed_at": ("Закрыта", "Closed at"),
        "entered_at": ("Вход на этап", "Entered"), "left_at": ("Выход с этапа", "Left"), "moved_by": ("Кто перевёл", "Moved by"),
        "inn": ("ИНН", "INN"), "kpp": ("КПП", "KPP"), "ogrn": ("ОГРН", "OGRN"), "bik": ("БИК", "BIK"),
        "bank_name": ("Банк", "Bank"), "account": ("Расчётный счёт", "Settlement account"),
        "correspondent_account": ("Корреспондентский счёт", "Correspondent account"), "address": ("Адрес", "Address"),
        "valid_from": ("Действует с", "Valid from"), "valid_to": ("Действует по", "Valid to"),
        "is_private": ("Личный", "Private"), "is_default": ("По умолчанию", "Default"), "active": ("Активен", "Active"),
        "phone": ("Телефон", "Phone"), "phones": ("Телефоны", "Phones"), "email": ("E-mail", "E-mail"), "emails": ("E-mail", "E-mails"),
        "login": ("Логин", "Login"), "password": ("Пароль", "Password"), "time_zone": ("Часовой пояс", "Time zone"),
        "locale": ("Язык", "Language"),
        "kind": ("Вид", "Kind"), "type": ("Тип", "Type"), "direction": ("Направление", "Direction"),
        "occurred_at": ("Когда", "Occurred at"), "duration_seconds": ("Длительность, с", "Duration, s"),
        "assignee_id": ("Исполнитель", "Assignee"), "due_at": ("Срок", "Due"), "due_local": ("Срок (местное время)", "Due (local)"),
        "due_after": ("Срок через", "Due after"), "reminder_at": ("Напоминание", "Reminder"),
        "remind_after": ("Напомнить через", "Remind after"),
        "completed_at": ("Выполнена", "Completed at"), "cancelled": ("Отменена", "Cancelled"), "proof": ("Подтверждение", "Proof"),
        "required": ("Обязательно", "Required"), "position": ("Порядок", "Position"), "skippable": ("Можно пропустить", "Skippable"),
        "auto_advance": ("Переводить автоматически", "Auto-advance"), "by_automation": ("Автоматически", "By automation"),
        "approver_id": ("Согласующий", "Approver"), "approver_rule": ("Правило согласующего", "Approver rule"),
        "approver_user_id": ("Согласующий", "Approver"), "approver_role_id": ("Роль согласующего", "Approver role"),
        "assignee_rule": ("Правило исполнителя", "Assignee rule"), "assignee_user_id": ("Исполнитель", "Assignee"),
        "assignee_role_id": ("Роль исполнителя", "Assignee role"), "answered_at": ("Когда ответили", "Answered at"),
        "answered_by": ("Кто ответил", "Answered by"), "decision": ("Решение", "Decision"),
        "default_value": ("Значение по умолчанию", "Default value"), "options": ("Варианты", "Options"), "fields": ("Поля", "Fields"),
        "starts_on": ("Начало", "Starts on"), "ends_on": ("Окончание", "Ends on"),
        "content_type": ("Тип содержимого", "Content type"), "Content-Type": ("Тип содержимого", "Content type"),
        "size_bytes": ("Размер, байт", "Size, bytes"), "sha256": ("Контрольная сумма SHA-256", "SHA-256"),
        "storage": ("Хранилище", "Storage"),
        "read_at": ("Прочитано", "Read at"), "unread": ("Непрочитанные", "Unread"), "payload": ("Данные", "Payload"),
        "url": ("Адрес (URL)", "URL"), "event_kinds": ("Виды событий", "Event kinds"), "external_id": ("Внешний код", "External ID"),
        "event_id": ("Номер события", "Event ID"), "secret": ("Секрет", "Secret"), "expires_at": ("Действует до", "Expires at"),
        "resource": ("Ресурс", "Resource"), "query": ("Условия", "Query"), "saved_filter": ("Сохранённый фильтр", "Saved filter"),
        "Idempotency-Key": ("Ключ идемпотентности", "Idempotency key"),
        "q": ("Поиск", "Search"), "similar": ("Похожие", "Similar"), "sort": ("Сортировка", "Sort"), "limit": ("Количество", "Limit"),
        "cursor": ("Курсор", "Cursor"), "page_size": ("Строк на странице", "Page size"), "count": ("Подсчёт", "Count"),
        "header": ("Заголовок", "Header"), "from": ("С", "From"), "to": ("По", "To"), "format": ("Формат", "Format"),
        "separator": ("Разделитель", "Separator"), "days": ("Дней", "Days"), "period": ("Период", "Period"),
        "manager_id": ("Менеджер", "Manager"), "supplier_id": ("Поставщик", "Supplier"), "since": ("С", "Since"),
        "as_of": ("На дату", "As of"), "pipeline": ("Воронка", "Pipeline"),
        "director_title": ("Должность руководителя", "Director's title"), "director_name": ("Руководитель", "Director"),
        "accountant_name": ("Главный бухгалтер", "Chief accountant"), "vat_rate": ("Ставка НДС", "VAT rate"),
        "has_logo": ("Есть логотип", "Has a logo"), "body": ("Текст шаблона", "Template body"),
        "body_version": ("Версия текста", "Body version"), "template_version": ("Версия шаблона", "Template version"),
        "year": ("Год", "Year"), "total": ("Итого", "Total"), "vat_amount": ("Сумма НДС", "VAT amount"),
        "html_file_id": ("Файл HTML", "HTML file"), "pdf_file_id": ("Файл PDF", "PDF file"),
        "owner_name": ("Владелец", "Owner"), "responsible_name": ("Ответственный", "Responsible"),
        "assignee_name": ("Исполнитель", "Assignee"), "approver_name": ("Согласующий", "Approver"),
        "answered_by_name": ("Кто ответил", "Answered by"), "moved_by_name": ("Кто перевёл", "Moved by"),
        "created_by_name": ("Кто создал", "Created by"), "user_name": ("Пользователь", "User"),
        "approver_user_name": ("Согласующий", "Approver"), "assignee_user_name": ("Исполнитель", "Assignee"),
        "interaction_id": ("Взаимодействие", "Interaction"), "subject": ("Тема", "Subject"), "sender": ("Отправитель", "Sender"),
        "recipients": ("Получатели", "Recipients"), "contact_ids": ("Контакты", "Contacts"), "document_ids": ("Документы", "Documents"),
        "attachment_file_ids": ("Вложения", "Attachments"), "message_id": ("Идентификатор письма (Message-ID)", "Message-ID"),
        "attempts": ("Попыток отправки", "Attempts"), "next_attempt_at": ("Следующая попытка", "Next attempt"),
        "last_error": ("Причина ошибки", "Last error"), "smtp_reply": ("Ответ почтового сервера", "SMTP server's answer"),
        "sent_at": ("Отправлено", "Sent at"),
    ]

    /// The label of `key` in `language`: custom fields (`custom_fields.size`) by their key when
    /// the definition's label is not at hand, dotted paths by their last known part, anything
    /// unknown as it is.
    static func label(of key: String, in language: MessageLanguage) -> String {
        if let known = known(key, in: language) { return known }
        if key.hasPrefix("custom_fields.") {
            let name = key.dropFirst("custom_fields.".count)
            return language == .ru ? "доп. поле «\(name)»" : "custom field “\(name)”"
        }
        if let dot = key.lastIndex(of: "."), let base = known(String(key[..<dot]), in: language) {
            // A list filter's operator (`amount.gte`) or a nested path.
            return "\(base) (\(key[key.index(after: dot)...]))"
        }
        return key
    }

    /// The title of a list's sheet in a downloaded workbook («Сделки»).
    static func sheetTitle(of resource: Resource, in language: MessageLanguage) -> String {
        let word = Vocabulary.word(resource.singular, in: language)
        return language == .ru ? (lists[resource.path] ?? word) : resource.path.replacingOccurrences(of: "-", with: " ").capitalized
    }

    /// The Russian names of the lists.
    static let lists: [String: String] = [
        "deals": "Сделки", "clients": "Клиенты", "contacts": "Контакты", "counterparties": "Контрагенты",
        "products": "Товары", "invoices": "Счета", "payments": "Платежи", "tasks": "Задачи", "interactions": "Контакты с клиентами",
        "deal-lines": "Строки сделок", "approvals": "Согласования", "files": "Файлы", "users": "Сотрудники",
        "emails": "Письма",
    ]

    /// The label of `key` when the catalogue has one.
    static func known(_ key: String, in language: MessageLanguage) -> String? {
        guard let pair = labels[key] else { return nil }
        return language == .ru ? pair.ru : pair.en
    }
}

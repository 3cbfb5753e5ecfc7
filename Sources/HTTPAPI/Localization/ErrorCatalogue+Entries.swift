extension ErrorCatalogue {
    /// Every message the server answers with, as its English text (`{}` a value) with a stable
    /// code and the Russian text (`{1}`… the values; `:t` a message, `:l` a list of messages,
    /// `:f` a field, `:w` a word, `:s` words in parentheses). `LocalizationTests` checks that each
    /// message written in Sources/ and each rule error raised in sql/ has its entry here.
    static let entries: [Entry] =
        http + requestBody + values + lists + access + counterparties + rules + stageRules
        + money + documents + mail + workflow + exchange + imports

    /// The statuses' own answers and the HTTP layer.
    static let http: [Entry] = [
        .init("method_not_allowed", "this method is not allowed here", "этот метод здесь не поддерживается"),
        .init("database_busy", "database busy: try again shortly", "база данных занята: повторите через несколько секунд"),
        .init(
            "database_unavailable", "database unavailable: try again shortly", "база данных недоступна: повторите через несколько секунд"),
        .init(
            "internal_error", "internal error; quote the request id when reporting it",
            "внутренняя ошибка сервера; сообщая о ней, укажите номер запроса"),
        .init("not_allowed", "not allowed by your role", "ваша роль этого не позволяет"),
        .init("reference_gone", "a referenced row does not exist (any more)", "связанная запись не существует (или уже удалена)"),
        .init("exists_already", "such a row exists already", "такая запись уже существует"),
        .init("not_allowed_value", "has a value that is not allowed here", "недопустимое значение"),
        .init("required", "required", "обязательное поле"),
        .init(
            "number_out_of_range", "a number is out of range (at most 16 digits before the decimal point)",
            "число вне допустимого диапазона (не более 16 цифр до запятой)"),
        .init("too_long", "a value is too long", "значение слишком длинное"),
        .init("bad_time", "a date or time is not valid or out of range", "дата или время неверны или вне допустимого диапазона"),
        .init(
            "bad_offset", "a time zone offset is out of range (at most ±15:59)", "смещение часового пояса вне диапазона (не более ±15:59)"),
        .init("bad_form", "a value has the wrong form for its type", "значение имеет неверный формат"),
        .init("nul_character", "text contains a character that cannot be stored (NUL)", "текст содержит недопустимый символ (NUL)"),
        .init("division_by_zero", "a division by zero", "деление на ноль"),
        .init("bad_value", "a value is not valid", "недопустимое значение"),
        .init("no_such_resource", "no such resource", "такого ресурса нет"),
        .init("authentication_required", "authentication required", "требуется вход в систему"),
        .init("forbidden", "forbidden", "доступ запрещён"),
        .init("csrf", "missing or wrong CSRF token (X-CSRF-Token)", "нет или неверен CSRF-токен (X-CSRF-Token); обновите страницу"),
        .init("bad_if_match", "If-Match must be the ETag of the row, e.g. \"3\"", "If-Match должен быть ETag записи, например \"3\""),
        .init(
            "bad_idempotency_key", "Idempotency-Key must be 1 to 200 printable ASCII characters",
            "Idempotency-Key: от 1 до 200 печатных символов ASCII"),
        .init(
            "idempotency_in_progress", "a request with this Idempotency-Key is in progress; retry after it finishes",
            "запрос с этим Idempotency-Key ещё выполняется; повторите после его завершения"),
        .init(
            "idempotency_reused", "was used before with another request body; use a new key",
            "уже использован с другим телом запроса; возьмите новый ключ"),
        .init(
            "bad_last_event_id", "Last-Event-ID must be a notification id (a whole number)",
            "Last-Event-ID должен быть номером уведомления (целым числом)"),
        .init(
            "stale_version", "the {} was changed meanwhile: it is at version {}, not {}; read it again",
            "запись («{1:w}») тем временем изменили: её версия {2}, а не {3}; прочитайте её заново"),
        .init("not_found", "no such {}", "не найдено: {1:w}"),
        .init("not_found", "no {} {}", "не найдено: {1:w} {2}"),
        .init("not_found", "no such deal", "сделка не найдена"),
        .init("not_found", "no such client", "клиент не найден"),
        .init("not_found", "no such token", "токен не найден"),
        .init("not_found", "no such user", "пользователь не найден"),
        .init("not_found", "no such notification", "уведомление не найдено"),
        .init("not_found", "no notification {}", "уведомление {1} не найдено"),
        .init("not_found", "no approval {}", "согласование {1} не найдено"),
        .init("not_found", "no deal {}", "сделка {1} не найдена"),
        .init("not_found", "no client {}", "клиент {1} не найден"),
        .init("not_found", "no such report; GET /api/v1/reports lists them", "такого отчёта нет; список отчётов: GET /api/v1/reports"),
        .init("not_found", "no report {}", "отчёта {1} нет"),
        .init("file_too_large", "the file is larger than {} MiB", "файл больше {1} МиБ"),
        .init("file_empty", "the file is empty; send its content as the body", "файл пуст; передайте его содержимое в теле запроса"),
        .init("file_name_required", "required (the file name, as a query parameter)", "обязательно (имя файла, параметром запроса)"),
        .init("file_name_slash", "must not contain / or \\", "не должно содержать / или \\"),
        .init(
            "file_name_control", "must not contain control characters (tabs, line breaks)",
            "не должно содержать управляющих символов (табуляций, переводов строк)"),
        .init("no_role", "no role", "не указана роль"),
        .init("tree_change_failed", "the node could not be changed", "узел дерева изменить не удалось"),
        .init("media_type", "must be a media type such as application/pdf", "должен быть типом содержимого, например application/pdf"),
    ]

    /// The request body and its JSON.
    static let requestBody: [Entry] = [
        .init("body_too_large", "the request body is too large", "тело запроса слишком велико"),
        .init("body_too_large", "the request body is too large (at most {} KiB)", "тело запроса слишком велико (не более {1} КиБ)"),
        .init("request_body_too_large", "request body too large", "тело запроса слишком велико"),
        .init("body_not_json", "the request body is not valid JSON for this endpoint", "тело запроса — неверный JSON для этого адреса"),
        .init("body_empty", "the request body is empty; send a JSON object", "тело запроса пусто; передайте JSON-объект"),
        .init("body_invalid", "the request body is {}", "тело запроса: {1:t}"),
        .init("body_not_object", "must be a JSON object", "должно быть JSON-объектом"),
        .init("body_not_object", "must be a JSON object, not {}", "должно быть JSON-объектом, а не {1:w}"),
        .init("no_change", "no field to change", "нет ни одного поля для изменения"),
        .init("unknown_field", "unknown field", "неизвестное поле"),
        .init("read_only", "read-only: set by the server", "только для чтения: заполняется сервером"),
        .init("create_only", "cannot be changed after create", "нельзя изменить после создания"),
        .init("not_null", "must not be null", "не может быть пустым (null)"),
        .init("nul_character", "contains a NUL character (\\u0000)", "содержит недопустимый символ NUL (\\u0000)"),
        .init("nul_character", "contains a NUL character", "содержит недопустимый символ NUL"),
        .init("nul_character", "must not contain NUL characters", "не должно содержать символов NUL"),
        .init("control_character", "contains a control character", "содержит управляющий символ"),
        .init("json_syntax", "not valid JSON at byte {}: {}", "неверный JSON в байте {1}: {2:t}"),
        .init("json_syntax", "unexpected text after the value", "лишний текст после значения"),
        .init("json_syntax", "unexpected end", "неожиданный конец"),
        .init("json_syntax", "unexpected character", "неожиданный символ"),
        .init("json_syntax", "nested deeper than {} levels", "вложенность глубже {1} уровней"),
        .init("json_syntax", "expected a field name", "ожидалось имя поля"),
        .init("json_syntax", "expected ':'", "ожидалось ':'"),
        .init("json_syntax", "field \"{}\" appears twice", "поле \"{1}\" встречается дважды"),
        .init("json_syntax", "expected ',' or '}'", "ожидалось ',' или '}'"),
        .init("json_syntax", "expected ',' or ']'", "ожидалось ',' или ']'"),
        .init("json_syntax", "a number with a leading zero", "число с ведущим нулём"),
        .init("json_syntax", "digits expected after '.'", "после '.' ожидались цифры"),
        .init("json_syntax", "digits expected in the exponent", "в показателе степени ожидались цифры"),
        .init("json_syntax", "text is not valid UTF-8", "текст не в кодировке UTF-8"),
        .init("json_syntax", "unterminated string", "незакрытая строка"),
        .init("json_syntax", "a control character inside a string", "управляющий символ внутри строки"),
        .init("json_syntax", "a lone surrogate escape", "одиночный суррогатный символ в \\u-последовательности"),
        .init("json_syntax", "an invalid \\u escape", "неверная последовательность \\u"),
        .init("json_syntax", "an invalid escape", "неверная escape-последовательность"),
    ]

    /// Field values (`FieldType` and the endpoints' own checks).
    static let values: [Entry] = [
        .init("not_true_false", "must be true or false", "должно быть true или false"),
        .init("not_integer", "must be a whole number", "должно быть целым числом"),
        .init("not_id", "must be the id of a row (a positive whole number)", "должно быть номером записи (целым положительным числом)"),
        .init("not_number", "must be a number with at most 3 decimals", "должно быть числом, не более 3 знаков после запятой"),
        .init(
            "not_quantity", "must be a positive quantity with at most 3 decimals",
            "должно быть положительным количеством, не более 3 знаков после запятой"),
        .init(
            "not_money", "must be a non-negative amount below 10^16 with at most 2 decimals, e.g. \"1500.50\"",
            "должно быть неотрицательной суммой меньше 10^16, не более 2 знаков после запятой, например \"1500.50\""),
        .init(
            "not_money", "must be a non-negative amount with at most 2 decimals",
            "должно быть неотрицательной суммой, не более 2 знаков после запятой"),
        .init("empty", "must not be empty", "не может быть пустым"),
        .init("not_list", "must be a list", "должно быть списком"),
        .init("bad_item", "item {}: {}", "элемент {1}: {2:t}"),
        .init("json_type", "object", "объект"), .init("json_type", "array", "массив"), .init("json_type", "string", "строка"),
        .init("json_type", "number", "число"), .init("json_type", "boolean", "логическое значение"), .init("json_type", "null", "null"),
        .init("too_long", "longer than {} characters", "длиннее {1} символов"),
        .init("too_long", "longer than {} bytes", "длиннее {1} байт"),
        .init("too_many_items", "at most {} items", "не более {1} элементов"),
        .init("not_one_of", "must be one of: {}", "допустимые значения: {1}"),
        .init("not_one_of", "must be one of {}", "допустимые значения: {1}"),
        .init("out_of_range", "must be between {} and {}", "должно быть от {1} до {2}"),
        .init("not_currency", "must be a 3-letter ISO 4217 code such as RUB", "должно быть трёхбуквенным кодом ISO 4217, например RUB"),
        .init("not_date", "must be a date YYYY-MM-DD", "должно быть датой ГГГГ-ММ-ДД"),
        .init(
            "not_timestamp", "must be an ISO 8601 time with a zone, e.g. 2026-11-23T10:00:00+03:00",
            "должно быть временем ISO 8601 с часовым поясом, например 2026-11-23T10:00:00+03:00"),
        .init("not_phone", "must be a phone number such as +7 495 123-45-67", "должно быть номером телефона, например +7 495 123-45-67"),
        .init("not_email", "must be an e-mail address such as name@example.ru", "должно быть адресом e-mail, например name@example.ru"),
        .init("not_digits", "must be {} digits", "должно состоять из {1} цифр"),
        .init("not_time_zone", "must be a time zone such as Europe/Moscow", "должно быть часовым поясом, например Europe/Moscow"),
        .init(
            "not_key", "must be lower-case latin letters, digits and _, starting with a letter (at most 40)",
            "строчные латинские буквы, цифры и _, начиная с буквы (не более 40)"),
        .init(
            "not_duration", "must be a duration such as \"2 days\", \"4 hours\" or P2D",
            "должно быть длительностью, например \"2 days\", \"4 hours\" или P2D"),
        .init("not_text", "cannot be given as text", "нельзя передать текстом"),
        .init("not_string", "must be a string", "должно быть строкой"),
        .init("not_string", "must be a string, not {}", "должно быть строкой, а не {1:w}"),
        .init("not_number", "must be a number", "должно быть числом"),
        .init("not_number", "must be a number, not {}", "должно быть числом, а не {1:w}"),
        .init("not_object", "must be an object", "должно быть объектом"),
        .init("not_object", "must be an object, not {}", "должно быть объектом, а не {1:w}"),
        .init("not_string_or_integer", "must be a string or a whole number", "должно быть строкой или целым числом"),
        .init("out_of_range", "must be a whole number from {} to {}", "должно быть целым числом от {1} до {2}"),
        .init("out_of_range", "must be between 1 and 1000", "должно быть от 1 до 1000"),
        .init("not_url", "must be an http(s) URL", "должно быть адресом http(s)"),
        .init("not_future", "must be in the future", "должно быть в будущем"),
        .init("not_above_zero", "must be above zero", "должно быть больше нуля"),
        .init("not_different", "must differ from {}", "должно отличаться от поля «{1:f}»", en: "must differ from “{1:f}”"),
        .init("required_when", "required when {} is {}", "обязательно, когда «{1:f}» = {2}", en: "required when “{1:f}” is {2}"),
        .init("required_one_of", "give {}", "укажите {1:s}", en: "give {1:s}"),
        .init("required_with", "required with {}", "обязательно вместе с полем «{1:f}»", en: "required with “{1:f}”"),
        .init("not_integer", "'{}' is not a whole number", "«{1}» — не целое число"),
        .init(
            "not_timestamp", "'{}' is not an ISO 8601 time such as 2026-11-23T10:00:00Z",
            "«{1}» — не время ISO 8601, например 2026-11-23T10:00:00Z"),
        .init("not_id", "'{}' is not an id (a positive whole number)", "«{1}» — не номер записи (целое положительное число)"),
        .init("not_secret", "must be a string of 16 to 200 characters", "должно быть строкой от 16 до 200 символов"),
        .init("not_file", "must be the id of a file you may see", "должно быть номером доступного вам файла"),
        .init("no_such_custom_field", "no such field in this pipeline", "в этой воронке такого поля нет"),
        .init("no_such_row", "no such row (or not visible to you)", "такой записи нет (или она вам не видна)"),
        .init("line_overflow", "quantity × price must stay below 10^16", "количество × цена должно быть меньше 10^16"),
        .init("not_locale", "a locale such as ru-RU is expected", "ожидается язык, например ru-RU"),
        .init("unknown_time_zone", "unknown time zone {}", "неизвестный часовой пояс {1}"),
        .init(
            "unknown_time_zone", "unknown time zone \"{}\" (an IANA name such as Europe/Moscow is expected)",
            "неизвестный часовой пояс «{1}» (ожидается имя IANA, например Europe/Moscow)"),
        .init("in_value", "'{}': {}", "«{1}»: {2:t}"),
    ]

    /// List parameters (filters, sorting, paging, saved filters) and report parameters.
    static let lists: [Entry] = [
        .init("repeated_parameter", "given more than once", "указано больше одного раза"),
        .init("unknown_filter", "unknown filter; filters here: {} and {}", "неизвестный фильтр; здесь есть фильтры: {1} и {2}"),
        .init(
            "unknown_operator", "unknown filter operator '{}' for {}", "неизвестная операция фильтра «{1}» для поля «{2:f}»",
            en: "unknown filter operator '{1}' for “{2:f}”"),
        .init("no_search", "this list has no full-text search", "в этом списке нет полнотекстового поиска"),
        .init("no_similarity", "this list has no similarity search", "в этом списке нет поиска похожих"),
        .init("bad_length", "must be 1 to 200 characters", "от 1 до 200 символов"),
        .init("bad_length", "must be 3 to 200 characters", "от 3 до 200 символов"),
        .init(
            "bad_sort", "cannot sort by '{}'; sort by {} (prefix - for descending)",
            "нельзя сортировать по «{1}»; сортировка по: {2} (приставка - — по убыванию)"),
        .init("bad_limit", "must be a whole number from 1 to {}", "должно быть целым числом от 1 до {1}"),
        .init(
            "bad_cursor", "similarity results come in one page (use limit)", "похожие записи выдаются одной страницей (используйте limit)"),
        .init(
            "bad_cursor", "not a cursor of this list and sort; start again without it",
            "курсор не от этого списка или сортировки; начните заново без него"),
        .init(
            "bad_saved_filter", "must be the id of one of your saved filters", "должно быть номером одного из ваших сохранённых фильтров"),
        .init("bad_saved_filter", "no saved filter {} of yours", "у вас нет сохранённого фильтра {1}"),
        .init("bad_saved_filter", "saved filter {} is for /api/v1/{}", "сохранённый фильтр {1} относится к /api/v1/{2}"),
        .init("bad_saved_filter", "cannot contain saved_filter or cursor", "не может содержать saved_filter или cursor"),
        .init("bad_saved_filter", "{}: {}", "{1:f}: {2:t}", en: "{1:f}: {2:t}"),
        .init("unknown_parameter", "unknown parameter of report {}", "у отчёта {1} нет такого параметра"),
        .init("bad_page_size", "must be an integer from 1 to 10000", "должно быть целым числом от 1 до 10000"),
        .init("bad_cursor", "is not a next_cursor of this report", "не является next_cursor этого отчёта"),
        .init("bad_period", "must not be before from ({})", "не может быть раньше начала периода ({1})"),
        .init("bad_format", "must be json, csv or xlsx", "допустимые значения: json, csv или xlsx"),
        .init("bad_format", "must be csv or xlsx", "допустимые значения: csv или xlsx"),
        .init("bad_header", "must be labels or keys", "допустимые значения: labels (подписи) или keys (ключи)"),
        .init(
            "export_no_paging", "an export has every matching row: no paging",
            "выгрузка содержит все подходящие записи: постраничный вывод не нужен"),
        .init("export_forbidden", "exporting this list is not permitted for your role", "вашей роли выгрузка этого списка не разрешена"),
        .init("bad_separator", "must be comma or semicolon", "допустимые значения: comma (запятая) или semicolon (точка с запятой)"),
    ]

    /// Sign-in, sessions, tokens and integrations.
    static let access: [Entry] = [
        .init("wrong_credentials", "wrong login or password", "неверный логин или пароль"),
        .init("locked", "too many failed logins; try again later", "слишком много неудачных попыток входа; попробуйте позже"),
        .init("login_refused", "login refused: {}", "вход отклонён: {1:t}"),
        .init("not_signed_in", "not signed in: {}", "вход не выполнен: {1:t}"),
        .init("forbidden", "forbidden: {}", "доступ запрещён: {1:t}"),
        .init("network_refused", "this network is not allowed for this account", "вход с этого адреса запрещён для вашей учётной записи"),
        .init("outside_login_hours", "outside the login hours of your role", "вне часов работы, разрешённых вашей роли"),
        .init("user_disabled", "the account is disabled", "учётная запись отключена"),
        .init("invalid_token", "the session or token is not valid", "сеанс или токен недействителен"),
        .init("session_expired", "the session has expired; sign in again", "сеанс истёк; войдите снова"),
        .init("session_idle", "the session ended after inactivity; sign in again", "сеанс завершён после бездействия; войдите снова"),
        .init(
            "network_mismatch", "the session was opened from another network; sign in again",
            "сеанс был открыт из другой сети; войдите снова"),
        .init("token_expired", "the token has expired", "срок действия токена истёк"),
        .init("missing_token", "no bearer token was sent", "токен не передан (Authorization: Bearer …)"),
        .init("session_ended", "session ended", "сеанс завершён"),
        .init(
            "totp_required", "a one-time code from the authenticator app is required",
            "нужен одноразовый код из приложения-аутентификатора"),
        .init("totp_invalid", "wrong or used one-time code", "неверный или уже использованный одноразовый код"),
        .init(
            "totp_not_started", "no two-factor enrolment was started (POST /api/v1/me/totp first)",
            "подключение двухфакторного входа не начато (сначала POST /api/v1/me/totp)"),
        .init(
            "totp_already_on", "two-factor sign-in is on already; turn it off first",
            "двухфакторный вход уже включён; сначала отключите его"),
        .init(
            "login_history_forbidden", "only the user themself and administrators see a login history",
            "историю входов видят только сам пользователь и администраторы"),
        .init(
            "two_factor_not_enrolled", "your role requires two-factor sign-in; set it up first",
            "ваша роль требует двухфакторного входа; сначала подключите его"),
        .init("refused", "refused", "отказано"),
        .init(
            "integration_token_required", "an integration token is required (Authorization: Bearer <token>)",
            "нужен токен интеграции (Authorization: Bearer <токен>)"),
        .init("integration_token_unknown", "unknown or disabled integration token", "неизвестный или отключённый токен интеграции"),
        .init("integration_kind", "this integration may not send this kind of event", "этой интеграции нельзя присылать такие события"),
        .init(
            "event_repeated", "this event_id was received before with other content",
            "событие с таким event_id уже получено с другим содержимым"),
        .init("inbound_contact", "a phone or an email is required", "нужен телефон или e-mail"),
        .init("inbound_direction", "an {} call is inbound", "звонок «{1:w}» — всегда входящий"),
        .init(
            "not_phone", "not a phone number (e.g. +7 495 123-45-67 or 8 (495) 123-45-67)",
            "не номер телефона (например +7 495 123-45-67 или 8 (495) 123-45-67)"),
        .init("not_email", "not an e-mail address", "не адрес e-mail"),
        .init("required_one_of", "required: one of {}", "обязательно: одно из {1}"),
        .init("required_decision", "required: approve or reject", "обязательно: approve (согласовать) или reject (отклонить)"),
        .init("export_forbidden", "exporting reports is not permitted for your role", "вашей роли выгрузка отчётов не разрешена"),
        .init("export_network", "exports are not permitted from this network", "выгрузка из этой сети запрещена"),
    ]

    /// Counterparties: ИНН, КПП, ОГРН, bank details, duplicates.
    static let counterparties: [Entry] = [
        .init(
            "kpp_entrepreneur", "an entrepreneur (12-digit ИНН) has no КПП", "у индивидуального предпринимателя (ИНН из 12 цифр) нет КПП"),
        .init(
            "kpp_required", "a company (10-digit ИНН) needs its КПП (9 characters)",
            "у организации (ИНН из 10 цифр) должен быть КПП (9 знаков)"),
        .init("ogrn_company", "a company (10-digit ИНН) has a 13-digit ОГРН", "у организации (ИНН из 10 цифр) ОГРН из 13 цифр"),
        .init(
            "ogrn_entrepreneur", "an entrepreneur (12-digit ИНН) has a 15-digit ОГРНИП",
            "у предпринимателя (ИНН из 12 цифр) ОГРНИП из 15 цифр"),
        .init("valid_to_before_from", "is before valid_from ({})", "раньше даты начала действия ({1})", en: "is before “Valid from” ({1})"),
        .init("identifier_digits", "{} must consist of digits only", "{1}: только цифры"),
        .init("identifier_length", "{} must have {} digits", "{1}: должно быть {2:t} цифр"),
        .init("identifier_checksum", "{} has a wrong check digit (a typo?)", "{1}: неверная контрольная цифра (опечатка?)"),
        .init("identifier_format", "{} must look like {}", "{1}: ожидается {2:t}"),
        .init("identifier_length", "13 (ОГРН) or 15 (ОГРНИП)", "13 (ОГРН) или 15 (ОГРНИП)"),
        .init(
            "identifier_length", "10 (company) or 12 (individual entrepreneur)", "10 (организация) или 12 (индивидуальный предприниматель)"),
        .init("identifier_format", "9 digits beginning with 04", "9 цифр, начиная с 04"),
        .init(
            "identifier_format", "9 characters: 4 digits, 2 digits or capital Latin letters, 3 digits",
            "9 знаков: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры"),
        .init(
            "identifier_format", "an account of the bank with БИК {} (its key digit does not match)",
            "счёт банка с БИК {1} (не сходится контрольный ключ)"),
        .init("duplicate_counterparty", "a counterparty with {} exists already (id {})", "контрагент с {1} уже есть (номер {2})"),
        .init(
            "duplicate_counterparty", "a counterparty with {} exists already (not visible to you; ask its owner or an administrator)",
            "контрагент с {1} уже есть (он вам не виден; обратитесь к его владельцу или администратору)"),
        .init(
            "not_counterparty_of_client", "counterparty {} is not a legal entity of the deal's client",
            "контрагент {1} — не юрлицо клиента сделки"),
        .init(
            "not_counterparty_of_client", "counterparty {} is not a legal entity of the client of deal {}",
            "контрагент {1} — не юрлицо клиента сделки {2}"),
    ]

    /// Handover, approvals and tasks.
    static let rules: [Entry] = [
        .init("reference_missing", "{} {} does not exist", "«{1:f}»: запись {2} не существует", en: "{1:f} {2} does not exist"),
        .init("handover", "you can hand this {} only to yourself{}", "передать эту запись («{1:w}») вы можете только себе{2:t}"),
        .init("handover", " or to a user of your territories", " или сотруднику ваших территорий"),
        .init("handover", " or to a user of your departments", " или сотруднику ваших отделов"),
        .init(
            "handover_department", "you can move this {} only to your own departments",
            "перенести эту запись («{1:w}») можно только в ваши отделы"),
        .init(
            "handover_territory", "you can move this {} only to your own territories",
            "перенести эту запись («{1:w}») можно только на ваши территории"),
        .init("decision", "decision must be approve or reject", "решение: approve (согласовать) или reject (отклонить)"),
        .init("reject_comment", "a reject needs a comment saying why", "при отклонении нужен комментарий с причиной"),
        .init("comment_too_long", "comment longer than 4000 characters", "комментарий длиннее 4000 символов"),
        .init("not_approver", "only the approver of this step may answer it", "ответить на этот шаг может только его согласующий"),
        .init(
            "not_approver", "only the approver of this step ({}) may answer it", "ответить на этот шаг может только его согласующий ({1})"),
        .init("may_not_approve", "your role may not approve deals", "вашей роли нельзя согласовывать сделки"),
        .init("approval_answered", "this approval is {} already", "это согласование уже {1:w}"),
        .init(
            "task_by_approval", "task «{}» is answered through its approval (approve or reject with a comment), not marked done",
            "задача «{1}» закрывается через согласование (согласовать или отклонить с комментарием), а не отметкой о выполнении"),
        .init(
            "task_needs_interaction",
            "task «{}» can be completed only after an interaction with the client is registered (none since the task was set)",
            "задачу «{1}» можно выполнить только после зарегистрированного контакта с клиентом (с момента постановки задачи их не было)"),
        .init(
            "task_of_approval",
            "task «{}» belongs to an approval: it is answered by its approver (approve or reject), and cancelled only when the deal leaves the stage",
            "задача «{1}» относится к согласованию: на неё отвечает согласующий (согласовать или отклонить), а отменяется она только при уходе сделки с этапа"
        ),
        .init(
            "task_required", "task «{}» is required by the stage: complete it; only a head of department may cancel it",
            "задача «{1}» обязательна на этом этапе: выполните её; отменить её может только руководитель отдела"),
        .init(
            "unknown_preset", "unknown preset «{}» (known: purchase, b2b_sale, typical_sale)",
            "неизвестный шаблон «{1}» (есть: purchase, b2b_sale, typical_sale)"),
        .init(
            "unknown_preset", "unknown pipeline preset «{}» (known: purchase, typical_sale)",
            "неизвестный шаблон воронки «{1}» (есть: purchase, typical_sale)"),
        .init("demo_missing", "install the demo company first (crm_private.install_demo_company())", "сначала установите демо-компанию"),
    ]

    /// Moving a deal through its pipeline.
    static let stageRules: [Entry] = [
        .init("stage_of_other_pipeline", "stage {} is not a stage of pipeline {}", "этап {1} не принадлежит воронке {2}"),
        .init(
            "deal_closed", "the deal is closed ({}): a closed deal does not move", "сделка закрыта ({1}): закрытая сделка не перемещается"),
        .init(
            "stage_skip", "the deal cannot jump from «{}» to «{}»: stage(s) {} may not be skipped",
            "сделку нельзя перевести из «{1}» сразу в «{2}»: этапы {3} пропускать нельзя"),
        .init("loss_reason_required", "a lost deal needs a loss reason", "для проигранной сделки нужна причина проигрыша"),
        .init(
            "won_with_unpaid", "the deal cannot be won while invoice(s) are unpaid: {}",
            "сделку нельзя закрыть как успешную, пока не оплачены счета: {1}"),
        .init("custom_fields_invalid", "custom field values are invalid", "неверные значения дополнительных полей"),
        .init("stage_transition", "from «{}» the deal goes on to {} only", "из этапа «{1}» сделка переходит только в {2:s}"),
        .init("exit_conditions", "the deal cannot leave «{}» yet: {}", "сделка пока не может покинуть этап «{1}»: {2:l}"),
        .init("exit_tasks", "task(s) not done: {}", "не выполнены задачи: {1}"),
        .init("exit_approvals", "approval(s) not given: {}", "не получены согласования: {1:s}"),
        .init(
            "exit_interaction", "no interaction with the client registered in this stage",
            "на этом этапе не зарегистрировано ни одного контакта с клиентом"),
        .init("exit_field", "field {} is empty", "не заполнено поле «{1:f}»", en: "field “{1:f}” is empty"),
        .init("exit_invoice", "no invoice issued", "не выставлен счёт"),
        .init("exit_unpaid", "invoice(s) unpaid: {}", "не оплачены счета: {1}"),
    ]

    /// Money: currencies, lines, payments.
    static let money: [Entry] = [
        .init(
            "unknown_currency", "unknown currency {}; the currencies are those of the currencies catalog (RUB, USD, EUR, ...)",
            "неизвестная валюта {1}; допустимы валюты справочника валют (RUB, USD, EUR, …)"),
        .init(
            "currency_fixed", "the deal has invoices in {}: its currency cannot change",
            "по сделке выставлены счета в {1}: её валюту изменить нельзя"),
        .init(
            "line_currency", "the product «{}» is priced in {}, the deal in {}: give the line's price",
            "цена товара «{1}» в {2}, а сделка в {3}: укажите цену строки"),
        .init(
            "amount_from_lines", "the amount of this deal is the sum of its product lines ({}): change the lines",
            "сумма этой сделки — сумма её товарных строк ({1}): измените строки"),
        .init(
            "overpayment", "payment overpays invoice {} by {} {} (amount {}, paid with this payment {})",
            "платёж переплачивает счёт {1} на {2} {3} (сумма счёта {4}, оплачено с этим платежом {5})"),
    ]

    /// Documents: templates, the company profile, making a document.
    static let documents: [Entry] = [
        .init(
            "document_not_yours", "you may not change this deal, so you may not make its documents",
            "вы не можете изменять эту сделку, поэтому не можете создавать её документы"),
        .init("template_inactive", "the template is not active", "шаблон не активен"),
        .init(
            "template_outdated", "the template does not fit the document fields any more; correct it first: {}",
            "шаблон больше не соответствует полям документа; сначала исправьте его: {1:l}"),
        .init(
            "conversion_failed", "the PDF could not be made; nothing was stored, try again",
            "не удалось сформировать PDF; ничего не сохранено, попробуйте ещё раз"),
        .init(
            "converter_missing", "the PDF converter chromium is not installed (Debian package chromium)",
            "программа для PDF chromium не установлена (пакет Debian chromium)"),
        .init(
            "converter_missing", "the PDF converter {} is not installed or not executable",
            "программа для PDF {1} не установлена или не запускается"),
        .init("template_required", "required (the document template to fill)", "обязательно (шаблон документа для заполнения)"),
        .init("logo_too_large", "the logo is larger than 1 MiB", "логотип больше 1 МиБ"),
        .init(
            "logo_type", "must be a PNG (image/png) or JPEG (image/jpeg) image",
            "должно быть изображение PNG (image/png) или JPEG (image/jpeg)"),
        .init("profile_admin_only", "only administrators change the company profile", "реквизиты компании меняют только администраторы"),
        .init(
            "template_kind_fixed", "the kind of a template cannot change; make a new template",
            "вид шаблона менять нельзя; создайте новый шаблон"),
        .init("no_acting_user", "no acting user", "нет действующего пользователя"),
        .init("unknown_document_kind", "unknown document kind {}", "неизвестный вид документа {1}"),
        .init(
            "document_number", "document number {} of {} was not taken from its sequence",
            "номер документа {1} за {2} не взят из его последовательности"),
        .init(
            "document_number", "document number {} of {} was taken but no document was stored",
            "номер документа {1} за {2} взят, но документ не сохранён"),
        // Template errors: `line N: <problem>[ <field>]`.
        .init("template_error", "line {}: {}", "строка {1}: {2:t}"),
        .init("template_unknown_field", "unknown field{}", "неизвестное поле{1}"),
        .init("template_syntax", "«{{» is not closed with «}}»", "«{{» не закрыто «}}»"),
        .init("template_syntax", "«{{#{}}}» is not closed for{}", "«{{#{1}}}» не закрыт для{2}"),
        .init("template_syntax", "empty «{{ }}»: name a field", "пустой «{{ }}»: укажите поле"),
        .init(
            "template_syntax", "«{{#each}}» needs one list field, as in {{#each lines}}",
            "«{{#each}}» требует одно поле-список, например {{#each lines}}"),
        .init("template_not_list", "not a list, cannot loop over{}", "не список, по нему нельзя пройти циклом:{1}"),
        .init("template_unknown_list", "unknown list{}", "неизвестный список{1}"),
        .init("template_loop", "a loop inside itself over{}", "цикл внутри самого себя по{1}"),
        .init(
            "template_syntax", "«{{#if}}» needs one field, as in {{#if counterparty.kpp}}",
            "«{{#if}}» требует одно поле, например {{#if counterparty.kpp}}"),
        .init("template_syntax", "«{{else}}» outside an «{{#if}}»", "«{{else}}» вне «{{#if}}»"),
        .init("template_syntax", "«{{{}}}» takes nothing after it", "после «{{{1}}}» ничего не пишется"),
        .init("template_syntax", "«{{/{}}}» without an opening «{{#{}}}»", "«{{/{1}}}» без открывающего «{{#{2}}}»"),
        .init("template_syntax", "«{{/{}}}» closes «{{#{}}}» of line {} for{}", "«{{/{1}}}» закрывает «{{#{2}}}» из строки {3} для{4}"),
        .init(
            "template_syntax", "unknown tag «{{{}}}» (known: #each, #if, else, /each, /if, !)",
            "неизвестный тег «{{{1}}}» (известны: #each, #if, else, /each, /if, !)"),
        .init(
            "template_syntax", "«{{{}}}» is not a field name, as in {{ deal.title }} or {{ document.total | words }}",
            "«{{{1}}}» — не имя поля; пример: {{ deal.title }} или {{ document.total | words }}"),
        .init(
            "template_list_value", "a list is printed with {{#each}}, not as a value:{}",
            "список выводится через {{#each}}, а не как значение:{1}"),
        .init("template_unknown_filter", "unknown filter «{}» (filters: {}) for{}", "неизвестный фильтр «{1}» (фильтры: {2}) для{3}"),
        .init("template_row_field", "a row field outside its {{#each}} loop:{}", "поле строки вне своего цикла {{#each}}:{1}"),
    ]

    /// E-mail from the client card or a deal.
    static let mail: [Entry] = [
        .init(
            "mail_not_configured", "e-mail is not configured on this server (smtp-host, smtp-from)",
            "отправка почты на этом сервере не настроена (smtp-host, smtp-from)"),
        .init(
            "deal_without_client", "the deal has no client: a letter goes to the contacts of the deal's client",
            "у сделки нет клиента: письмо отправляется контактам клиента сделки"),
        .init("subject_required", "required (the subject of the letter)", "обязательно (тема письма)"),
        .init("body_required", "required (the text of the letter)", "обязательно (текст письма)"),
        .init("text_too_long", "must be at most {} characters", "не длиннее {1} символов"),
        .init("bad_id_list", "must be a list of at most {} ids", "должно быть списком не более чем из {1} номеров записей"),
        .init("no_contacts_named", "name at least one contact, or leave it out", "укажите хотя бы один контакт или не передавайте поле"),
        .init(
            "no_email_contacts", "no contact of this client has an e-mail address",
            "ни у одного контакта клиента нет адреса электронной почты"),
        .init("contact_not_of_client", "no contact {} of this client", "у клиента нет контакта {1}"),
        .init("contact_without_email", "contact {} has no e-mail address", "у контакта {1} нет адреса электронной почты"),
        .init(
            "bad_contact_email", "the address {} of contact {} cannot be used for e-mail",
            "адрес {1} контакта {2} нельзя использовать для отправки почты"),
        .init("document_not_of_row", "no document {} of this deal", "у сделки нет документа {1}"),
        .init("document_not_of_row", "no document {} of this client", "у клиента нет документа {1}"),
    ]

    /// Everything else that reaches a client.
    static let workflow: [Entry] = [
        .init("validation_failed", "invalid fields: {}", "неверно заполнены поля: {1}")
    ]
}

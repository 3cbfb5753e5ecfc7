extension ErrorCatalogue {
    /// The import of clients (`Sources/HTTPAPI/Imports`, `sql/schema/imports`): refusals of the
    /// request, reasons a file cannot be read, and the reasons of the rejected rows' report.
    static let imports: [Entry] = [
        .init("import_unknown_field", "is not a field of a client row", "не поле строки клиента"),
        .init("import_no_column", "the file has no column headed «{}»", "в файле нет столбца с заголовком «{1}»"),
        .init(
            "import_no_name_column", "no column holds the client's name (head it «Наименование» or map it)",
            "ни в одном столбце нет названия клиента (озаглавьте его «Наименование» или укажите в сопоставлении)"),
        .init("import_mapping_name", "is required: a name of up to 200 characters", "обязательно: название до 200 символов"),
        .init("import_mapping_columns", "must be an object of field → column heading", "должно быть объектом «поле → заголовок столбца»"),
        .init(
            "import_mapping_heading", "must be a column heading of up to 200 characters",
            "должно быть заголовком столбца длиной до 200 символов"),
        .init("import_not_found", "no such import", "такого импорта нет"),
        .init("import_not_found", "import {} not found", "импорт {1} не найден"),
        .init("import_mapping_not_found", "import mapping {} not found", "сопоставление столбцов {1} не найдено"),
        .init("import_signed_in", "an import needs a signed-in user", "для импорта нужно войти в систему"),
        .init("import_signed_in", "a mapping needs a signed-in user", "для сопоставления столбцов нужно войти в систему"),
        .init("import_too_large", "the file is larger than {} MB", "файл больше {1} МБ"),
        .init("import_empty", "the file is empty", "файл пуст"),
        .init("import_not_allowed", "your role may not create clients", "вашей роли не разрешено создавать клиентов"),
        .init(
            "import_not_allowed", "name a city: your role creates clients only in its territories",
            "укажите город: ваша роль создаёт клиентов только на своих территориях"),
        .init(
            "import_not_allowed", "your role may not create clients in «{}»", "вашей роли не разрешено создавать клиентов в «{1}»"),
        .init("import_unreadable", "cannot open the uploaded file", "не удаётся открыть загруженный файл"),
        .init("import_unreadable", "cannot store the uploaded file", "не удаётся сохранить загруженный файл"),
        .init("import_unreadable", "cannot unpack the uploaded file", "не удаётся распаковать загруженный файл"),
        .init(
            "import_bad_xlsx", "not an .xlsx file: the ZIP directory is missing (is the file cut short?)",
            "это не файл .xlsx: нет оглавления ZIP (файл загружен не полностью?)"),
        .init("import_bad_xlsx", "not an .xlsx file: the ZIP directory is damaged", "это не файл .xlsx: оглавление ZIP повреждено"),
        .init("import_bad_xlsx", "not an .xlsx file: the ZIP entry {} is damaged", "это не файл .xlsx: часть ZIP {1} повреждена"),
        .init(
            "import_bad_xlsx", "not an .xlsx file: it has no worksheet (xl/worksheets/sheet1.xml)",
            "это не файл .xlsx: в нём нет листа (xl/worksheets/sheet1.xml)"),
        .init(
            "import_bad_xlsx", "not an .xlsx file: bad XML at line {} of a worksheet",
            "это не файл .xlsx: ошибка XML в строке {1} листа"),
        .init("import_xlsx_too_large", "the .xlsx file unpacks to more than 2 GB", "файл .xlsx распаковывается больше чем в 2 ГБ"),
        .init(
            "import_xlsx_method", "the .xlsx file uses a ZIP compression that is not read (method {})",
            "в файле .xlsx используется неподдерживаемый способ сжатия ZIP (метод {1})"),
        .init(
            "import_bad_encoding", "row {} is not valid UTF-8 (save the file as UTF-8 or windows-1251)",
            "строка {1} — не UTF-8 (сохраните файл в UTF-8 или windows-1251)"),
        .init(
            "import_open_quote", "row {}: a quoted field is not closed (its closing quote is missing)",
            "строка {1}: поле в кавычках не закрыто (нет закрывающей кавычки)"),
        .init(
            "import_long_field", "row {}: a field is longer than {} bytes (a quote not closed?)",
            "строка {1}: поле длиннее {2} байт (не закрыта кавычка?)"),
        .init("import_failed", "the import failed: {}", "импорт не выполнен: {1}"),
        .init(
            "import_interrupted", "interrupted: the server stopped before the import finished; nothing of it was written",
            "прерван: сервер остановился до конца импорта; ничего из него не записано"),
        .init("import_unknown_territory", "no territory is named «{}»", "нет территории «{1}»"),
        .init("import_unknown_source", "no source is named «{}»", "нет источника «{1}»"),
        .init(
            "import_hidden_counterparty", "a counterparty with this ИНН/КПП exists and you may not see it",
            "контрагент с этими ИНН/КПП уже есть, но вам он не виден"),
        .init(
            "import_hidden_counterparty", "row {}: a counterparty with this ИНН/КПП exists and you may not see it",
            "строка {1}: контрагент с этими ИНН/КПП уже есть, но вам он не виден"),
        .init("import_no_name", "the client's name is empty", "не указано название клиента"),
        .init("import_kpp_without_inn", "КПП belongs to a company's 10-digit ИНН", "КПП бывает только у организации с 10-значным ИНН"),
        .init("import_bad_phone", "is not a phone number", "не номер телефона"),
        .init("import_bad_email", "is not an e-mail address", "не адрес электронной почты"),
        .init(
            "import_bad_kind", "is not a kind of client (покупатель, поставщик or оба)",
            "не тип клиента (покупатель, поставщик или оба)"),
    ]
}
